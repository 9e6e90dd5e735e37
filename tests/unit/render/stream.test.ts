// @vitest-environment jsdom
import { describe, expect, test, vi } from 'vitest';
import { scriptedTokens } from '../../../src/lib/engine/scripted';
import * as markdown from '../../../src/lib/render/markdown';
import { StreamingMarkdown, type StreamUpdate } from '../../../src/lib/render/stream';

/** What a reader sees after an update: every finished block, then the open one. */
class Screen {
  blocks: string[] = [];
  open = '';
  apply(update: StreamUpdate): void {
    if (update.reset) this.blocks = [];
    for (const block of update.added) this.blocks[block.index] = block.html;
    for (const block of update.changed) this.blocks[block.index] = block.html;
    this.open = update.open;
  }
  get html(): string {
    return this.blocks.join('') + this.open;
  }
}

function stream(source: string, pieces = scriptedTokens(source)): { screen: Screen; renderer: StreamingMarkdown; updates: StreamUpdate[] } {
  const renderer = new StreamingMarkdown();
  const screen = new Screen();
  const updates: StreamUpdate[] = [];
  let text = '';
  for (const piece of pieces) {
    text += piece;
    const update = renderer.update(text);
    updates.push(update);
    screen.apply(update);
  }
  screen.apply(renderer.finish(text));
  return { screen, renderer, updates };
}

const DOCUMENTS = {
  mixed: [
    '# Title',
    '',
    'Some *emphasis*, **strong**, `code` and a [link](https://example.com).',
    'A second line of the same paragraph.',
    '',
    '- one',
    '- two',
    '  continued',
    '- [x] done',
    '',
    '1. first',
    '2. second',
    '',
    '```ts',
    'const x: number = 1;',
    '',
    'function f() {',
    '  return x;',
    '}',
    '```',
    '',
    '> quoted',
    'lazily continued',
    '',
    '| a | b |',
    '|---|---|',
    '| 1 | 2 |',
    '| 3 | 4 |',
    '',
    'Setext heading',
    '---',
    '',
    '***',
    '',
    '    indented code',
    '',
    'The end.',
  ].join('\n'),
  looseList: '- a\n\n- b\n\n  more b\n\n- c\n\nAfter the list.\n',
  tableThenList: '| h |\n|---|\n| 1 |\n- item\n- x-y\n',
  unclosedFence: 'Before\n\n```python\nprint(1)\n\n# still code\n',
  crlf: 'Line one\r\n\r\n- a\r\n- b\r\n\r\n```\r\ncode\r\n```\r\n\r\nEnd\r\n',
  emptyish: '\n\n   \n\n',
};

describe('StreamingMarkdown', () => {
  test.each(Object.entries(DOCUMENTS))('%s: after every token the screen equals a full render of the text so far', (_name, source) => {
    const renderer = new StreamingMarkdown();
    const screen = new Screen();
    let text = '';
    for (const piece of scriptedTokens(source)) {
      text += piece;
      screen.apply(renderer.update(text));
      expect(screen.html, `after ${JSON.stringify(text.slice(-40))}`).toBe(markdown.renderMarkdown(text));
    }
    screen.apply(renderer.finish(text));
    expect(screen.html).toBe(markdown.renderMarkdown(text));
  }, 30_000);

  // A full render at every character, to compare with: slow on purpose, hence the long timeout.
  test('the same holds when the text arrives one character at a time', { timeout: 30_000 }, () => {
    const source = DOCUMENTS.mixed;
    const renderer = new StreamingMarkdown();
    const screen = new Screen();
    for (let end = 1; end <= source.length; end++) {
      screen.apply(renderer.update(source.slice(0, end)));
      expect(screen.html).toBe(markdown.renderMarkdown(source.slice(0, end)));
    }
  });

  test('finished blocks are rendered once; each update renders only the open block', { timeout: 30_000 }, () => {
    const paragraphs = Array.from({ length: 60 }, (_, index) => `Paragraph ${index} with some **bold** words in it.`).join('\n\n');
    const renderTokens = vi.spyOn(markdown, 'renderTokens');
    const { updates, renderer } = stream(paragraphs);
    const rendered = renderTokens.mock.calls.map(([tokens]) => tokens.map((token) => token.raw).join(''));
    renderTokens.mockRestore();
    // Each paragraph is rendered as a finished block exactly once.
    for (let index = 0; index < 60; index++) {
      const finished = rendered.filter((source) => source.startsWith(`Paragraph ${index} `) && !source.includes(`Paragraph ${index + 1} `));
      expect(finished.length).toBeGreaterThan(0);
    }
    expect(renderer.blocks).toHaveLength(60);
    // The open part never holds more than the block being written and the one just finished.
    const longest = Math.max(...rendered.map((source) => source.length));
    expect(longest).toBeLessThan(120);
    expect(updates.reduce((sum, update) => sum + update.added.length, 0)).toBeLessThanOrEqual(60);
  });

  test('a table is not finished by a line that may still become one of its rows', () => {
    const renderer = new StreamingMarkdown();
    const table = '| a |\n|---|\n| 1 |\n';
    expect(renderer.update(`${table}-`).added).toEqual([]);
    const update = renderer.update(`${table}-x`);
    expect(update.added).toEqual([]);
    expect(update.open).toContain('<td>-x</td>');
  });

  test('an open code fence holds everything after it until it closes', () => {
    const renderer = new StreamingMarkdown();
    const update = renderer.update('Intro\n\n```js\nlet a;\n\n# not a heading\n\n- not a list\n');
    expect(update.added.map((block) => block.html)).toEqual(['<p>Intro</p>\n']);
    expect(update.open).toMatch(/^<pre><code class="language-js">let a;\n\n# not a heading\n\n- not a list\n<\/code><\/pre>/);
  });

  test('a link definition arriving after its use updates the block that used it', () => {
    const source = 'See [the docs][docs] first.\n\nMore text.\n\n[docs]: https://example.com/docs "Docs"\n\nEnd.\n';
    const { screen, updates } = stream(source);
    expect(screen.html).toBe(markdown.renderMarkdown(source));
    expect(screen.html).toContain('href="https://example.com/docs"');
    const changed = updates.flatMap((update) => update.changed);
    expect(changed.some((block) => block.index === 0 && block.html.includes('https://example.com/docs'))).toBe(true);
  });

  test('a definition still being typed does not leak into finished blocks', () => {
    const renderer = new StreamingMarkdown();
    const screen = new Screen();
    screen.apply(renderer.update('Use [x].\n\nNext.\n\n[x]: https://ex'));
    screen.apply(renderer.update('Use [x].\n\nNext.\n\n[x]: https://ex is what I mean\n\nDone\n'));
    screen.apply(renderer.finish('Use [x].\n\nNext.\n\n[x]: https://ex is what I mean\n\nDone\n'));
    expect(screen.blocks[0]).toBe('<p>Use [x].</p>\n');
  });

  test('an answer that was replaced rather than extended starts over', () => {
    const renderer = new StreamingMarkdown();
    renderer.update('First answer.\n\nSecond paragraph.\n\nThird');
    const update = renderer.update('Something else entirely.\n\nNew\n');
    expect(update.reset).toBe(true);
    expect(update.added.map((block) => block.html)).toEqual(['<p>Something else entirely.</p>\n']);
    expect(renderer.blocks).toHaveLength(1);
  });

  test('sanitises every block: scripts and handlers never reach the output', () => {
    const source = 'Hi <img src=x onerror="alert(1)"> ![pic](https://example.com/p.png)\n\n<script>alert(2)</script>\n\n[x](javascript:alert(3))\n\n<div onclick="alert(4)">d</div>\n';
    const { screen, updates } = stream(source);
    const root = document.createElement('div');
    root.innerHTML = updates.map((update) => update.open + update.added.map((block) => block.html).join('')).join('') + screen.html;
    expect(root.querySelectorAll('script, img, iframe')).toHaveLength(0);
    for (const element of root.querySelectorAll('*')) {
      for (const attribute of element.attributes) {
        expect(attribute.name).not.toMatch(/^on/i);
        expect(attribute.value).not.toMatch(/javascript:/i);
      }
    }
    expect(root.querySelectorAll('a.image-link').length).toBeGreaterThan(0);
  });
});
