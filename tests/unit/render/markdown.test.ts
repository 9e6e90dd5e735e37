// @vitest-environment jsdom
import { describe, expect, test } from 'vitest';
import { renderMarkdown, sanitizeHtml } from '../../../src/lib/render/markdown';

function dom(html: string): HTMLElement {
  const root = document.createElement('div');
  root.innerHTML = html;
  return root;
}

describe('renderMarkdown', () => {
  test('renders Markdown: emphasis, lists, code, tables', () => {
    const root = dom(renderMarkdown('**bold** and `code`\n\n- one\n- two\n\n```js\nlet x = 1;\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |'));
    expect(root.querySelector('strong')?.textContent).toBe('bold');
    expect(root.querySelectorAll('li')).toHaveLength(2);
    expect(root.querySelector('pre code')?.textContent).toBe('let x = 1;\n');
    expect(root.querySelector('table td')?.textContent).toBe('1');
  });

  test('raw HTML from the model is shown as text, not parsed: scripts, handlers, frames, forms, styles', () => {
    const hostile =
      '<script>alert(1)</script><b onclick="alert(2)">x</b><iframe src="https://evil.test"></iframe>' +
      '<form action="https://evil.test"><input name="q"><button>go</button></form><p style="background:url(https://evil.test/t.png)">s</p>' +
      '<svg><image href="https://evil.test/i.png"/></svg><video src="https://evil.test/v.mp4"></video>';
    const root = dom(renderMarkdown(hostile));
    expect(root.querySelectorAll('script, b, iframe, form, input, button, svg, video, [style], [onclick]')).toHaveLength(0);
    // Bare closing tags are allowed formatting; unmatched, DOMPurify drops them.
    expect(root.textContent).toBe(hostile.replace('</b>', '').replace('</p>', ''));
  });

  test('bare formatting tags still work, and DOMPurify still has the last word', () => {
    const root = dom(renderMarkdown('H<sub>2</sub>O, press <kbd>Ctrl</kbd><br>next'));
    expect(root.querySelector('sub')?.textContent).toBe('2');
    expect(root.querySelector('kbd')?.textContent).toBe('Ctrl');
    expect(root.querySelector('br')).not.toBeNull();
    const sanitized = dom(sanitizeHtml('<b onclick="alert(2)">x</b><img src="https://example.com/x.png" onerror="alert(1)">'));
    expect(sanitized.querySelector('b')?.hasAttribute('onclick')).toBe(false);
    expect(sanitized.querySelector('img')).toBeNull();
    expect(sanitized.querySelector('a.image-link')?.getAttribute('href')).toBe('https://example.com/x.png');
  });

  test('images become links that load nothing until clicked', () => {
    const root = dom(renderMarkdown('![a cat](https://example.com/cat.png) ![](https://example.com/x.png "t") <img src="https://example.com/y.png" onerror="alert(1)">'));
    expect(root.querySelector('img')).toBeNull();
    const links = [...root.querySelectorAll('a.image-link')];
    expect(links.map((link) => link.getAttribute('href'))).toEqual(['https://example.com/cat.png', 'https://example.com/x.png']);
    expect(links[0]?.textContent).toContain('a cat');
    expect(root.querySelector('[onerror]')).toBeNull();
    expect(root.textContent).toContain('<img src="https://example.com/y.png" onerror="alert(1)">');
  });

  test('links open safely; javascript:, vbscript: and data: URLs are dropped', () => {
    const root = dom(
      renderMarkdown('[ok](https://example.com) [bad](javascript:alert(1)) [data](data:text/html,<script>alert(1)</script>) [mixed](JaVaScRiPt:alert(1)) <javascript:alert(1)>'),
    );
    const [ok, bad, data, mixed, auto] = [...root.querySelectorAll('a')];
    expect(ok?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(ok?.getAttribute('target')).toBe('_blank');
    expect(bad?.hasAttribute('href')).toBe(false);
    expect(data?.hasAttribute('href')).toBe(false);
    expect(mixed?.hasAttribute('href')).toBe(false);
    expect(auto?.hasAttribute('href') ?? false).toBe(false);
  });

  test('task list checkboxes are shown but cannot be changed', () => {
    const root = dom(renderMarkdown('- [x] done\n- [ ] todo'));
    const boxes = [...root.querySelectorAll('input')];
    expect(boxes).toHaveLength(2);
    expect(boxes.every((box) => box.disabled && box.type === 'checkbox')).toBe(true);
  });
});
