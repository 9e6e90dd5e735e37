/**
 * Turns citations in rendered answer text ([1], [1, 3], [2][3]) into buttons that open the
 * cited passage. Runs on sanitised DOM: it only splits text nodes and adds its own buttons,
 * never parses HTML. Code, links and buttons are left alone.
 */
import { findCitations } from '../rag/citations';

export const CITATION_ATTRIBUTE = 'data-citation';

const SKIP = 'code, pre, a, button, kbd, samp';

export function decorateCitations(root: HTMLElement, known: ReadonlySet<number>): void {
  const document = root.ownerDocument;
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => (node.parentElement?.closest(SKIP) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) if ((node as Text).data.includes('[')) texts.push(node as Text);
  for (const text of texts) {
    const marks = findCitations(text.data).filter((mark) => mark.numbers.some((number) => known.has(number)));
    if (marks.length === 0) continue;
    const fragment = document.createDocumentFragment();
    let at = 0;
    for (const mark of marks) {
      fragment.append(text.data.slice(at, mark.start));
      const group = document.createElement('span');
      group.className = 'citation-group';
      group.append('[');
      mark.numbers.forEach((number, index) => {
        if (index > 0) group.append(', ');
        if (!known.has(number)) {
          group.append(String(number));
          return;
        }
        const button = document.createElement('button');
        button.type = 'button';
        button.className = 'citation';
        button.setAttribute(CITATION_ATTRIBUTE, String(number));
        button.setAttribute('aria-label', `Source ${number}`);
        button.textContent = String(number);
        group.append(button);
      });
      group.append(']');
      fragment.append(group);
      at = mark.end;
    }
    fragment.append(text.data.slice(at));
    text.replaceWith(fragment);
  }
}
