// @vitest-environment jsdom
import { describe, expect, test, vi } from 'vitest';
import { loadLanguage } from '../../../src/lib/render/highlight';
import { MarkdownView, type MarkdownViewOptions } from '../../../src/lib/render/view';

function setup(options: Partial<MarkdownViewOptions> = {}) {
  const root = document.createElement('div');
  document.body.append(root);
  const copied: string[] = [];
  const view = new MarkdownView(root, { onCopy: (text) => copied.push(text), ...options });
  return { root, view, copied };
}

const click = (element: Element | null): void => {
  if (!element) throw new Error('nothing to click');
  element.dispatchEvent(new MouseEvent('click', { bubbles: true }));
};

describe('MarkdownView', () => {
  test('finished blocks stay the same DOM nodes while the open block is replaced', () => {
    const { root, view } = setup();
    view.renderNow('First paragraph.\n\nSecond');
    view.renderNow('First paragraph.\n\nSecond paragraph.\n\nThird');
    const first = root.querySelector('.md-block');
    expect(first?.textContent).toBe('First paragraph.\n');
    // "Second" is finished only once the block after it starts on a complete line.
    expect(root.querySelector('.md-open')?.textContent).toBe('Second paragraph.\nThird\n');
    view.renderNow('First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n\nFourth');
    expect(root.querySelector('.md-block')).toBe(first);
    view.complete('First paragraph.\n\nSecond paragraph.\n\nThird paragraph.\n\nFourth.');
    expect(root.querySelector('.md-open')).toBeNull();
    expect([...root.querySelectorAll('.md-block')].map((block) => block.textContent?.trim())).toEqual(['First paragraph.', 'Second paragraph.', 'Third paragraph.', 'Fourth.']);
  });

  test('finished blocks are grouped in chunks, so layout never walks a thousand siblings', () => {
    const { root, view } = setup();
    const source = Array.from({ length: 100 }, (_, index) => `Paragraph ${index}.`).join('\n\n');
    view.complete(source);
    expect(root.querySelectorAll('.md-block')).toHaveLength(100);
    expect(root.children.length).toBeLessThanOrEqual(4);
    expect([...root.children].every((chunk) => chunk.classList.contains('md-chunk') && chunk.children.length <= 32)).toBe(true);
    expect(root.querySelector('.md-block')?.textContent).toBe('Paragraph 0.\n');
  });

  test('streams at most one render per animation frame', async () => {
    const { root, view } = setup();
    view.stream('a');
    view.stream('ab');
    view.stream('abc');
    expect(root.textContent).toBe('');
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(root.textContent?.trim()).toBe('abc');
  });

  test('code blocks get a language label and a Copy button that copies the code exactly', () => {
    const { root, view, copied } = setup();
    view.complete('Text\n\n```python\nprint("<hi>")\n\n  indented\n```\n\nInline `code` too.');
    const block = root.querySelector('.code-block');
    expect(block?.querySelector('.code-language')?.textContent).toBe('python');
    click(block?.querySelector('[data-code-action="copy"]') ?? null);
    expect(copied).toEqual(['print("<hi>")\n\n  indented']);
    expect(root.querySelector('p code')?.textContent).toBe('code');
  });

  test('highlights code once its language has loaded, with classes only', async () => {
    const { root, view } = setup();
    view.complete('```ts\nconst answer: number = 42; // yes\n```');
    await loadLanguage('typescript');
    await vi.waitFor(() => expect(root.querySelector('code.hljs .hljs-keyword')?.textContent).toBe('const'));
    const code = root.querySelector('code');
    expect(code?.textContent).toBe('const answer: number = 42; // yes\n');
    expect(code?.querySelector('[style]')).toBeNull();
    expect(code?.hasAttribute('data-highlight')).toBe(false);
  });

  test('highlights the open block at once when the language is already loaded', async () => {
    await loadLanguage('json');
    const { root, view } = setup();
    view.renderNow('```json\n{"a": 1,');
    expect(root.querySelector('.md-open code.hljs .hljs-attr')?.textContent).toBe('"a"');
    // The open block may still change, so it offers no tree yet.
    expect(root.querySelector('[data-code-action="json-tree"]')).toBeNull();
  });

  test('a finished JSON block toggles a tree view mounted next to the code, and unmounts it on destroy', () => {
    const unmount = vi.fn();
    const mounted: string[] = [];
    const { root, view } = setup({
      mountJsonTree: (host, json) => {
        mounted.push(json);
        host.textContent = 'TREE';
        return unmount;
      },
    });
    view.complete('```json\n{"a": [1, 2]}\n```');
    const toggle = root.querySelector('[data-code-action="json-tree"]');
    click(toggle);
    expect(mounted).toEqual(['{"a": [1, 2]}']);
    expect(root.querySelector('.code-block')?.classList.contains('showing-tree')).toBe(true);
    expect(toggle?.getAttribute('aria-pressed')).toBe('true');
    click(toggle);
    click(toggle);
    expect(mounted).toHaveLength(1);
    view.destroy();
    expect(unmount).toHaveBeenCalledTimes(1);
  });

  test('an answer replaced by another starts over', () => {
    const { root, view } = setup();
    view.renderNow('One.\n\nTwo.\n\nThree');
    view.renderNow('Else.\n\nMore\n');
    expect(root.textContent).toBe('Else.\nMore\n');
  });
});
