// @vitest-environment jsdom
import { describe, expect, test } from 'vitest';
import { StreamingTextView } from '../../../src/lib/render/text-view';

describe('StreamingTextView', () => {
  test('appends text in blocks that end at line breaks, and never re-creates what is shown', () => {
    const root = document.createElement('pre');
    const view = new StreamingTextView(root);
    const line = (index: number): string => `  "key${index}": "${'x'.repeat(90)}",\n`;
    let text = '{\n';
    view.complete(text);
    const first = root.firstElementChild;
    for (let index = 0; index < 200; index++) {
      text += line(index);
      view.complete(text);
    }
    expect(root.textContent).toBe(text);
    expect(root.firstElementChild).toBe(first);
    const blocks = [...root.children];
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks.slice(0, -1)) {
      expect(block.textContent?.endsWith('\n')).toBe(true);
      expect(block.childNodes).toHaveLength(1);
    }
  });

  test('starts over when the text was replaced rather than extended', () => {
    const root = document.createElement('pre');
    const view = new StreamingTextView(root);
    view.complete('{"a": 1');
    view.complete('[2, 3]');
    expect(root.textContent).toBe('[2, 3]');
  });
});
