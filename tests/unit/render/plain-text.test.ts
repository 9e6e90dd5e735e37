import { describe, expect, test } from 'vitest';
import { markdownToPlainText } from '../../../src/lib/render/plain-text';

describe('markdownToPlainText', () => {
  test('keeps what a reader reads and drops the markup', () => {
    const source = [
      '# Title',
      '',
      'Some **bold**, *emphasis*, `code`, a [link](https://example.com) and ![a cat](cat.png) &amp; more.  ',
      'Next line.',
      '',
      '- one',
      '- [x] done',
      '  - nested',
      '',
      '3. three',
      '4. four',
      '',
      '> quoted',
      '',
      '```js',
      'let x = 1;',
      '```',
      '',
      '| a | b |',
      '|---|---|',
      '| 1 | **2** |',
      '',
      '---',
      '',
      '<div>html <b>block</b></div>',
      '',
      '[ref]: https://example.com',
    ].join('\n');
    expect(markdownToPlainText(source)).toBe(
      [
        'Title',
        '',
        'Some bold, emphasis, code, a link and a cat & more.',
        'Next line.',
        '',
        '- one',
        '- [x] done',
        '  - nested',
        '',
        '3. three',
        '4. four',
        '',
        'quoted',
        '',
        'let x = 1;',
        '',
        'a\tb',
        '1\t2',
        '',
        'html block',
      ].join('\n'),
    );
  });

  test('an empty answer is empty', () => {
    expect(markdownToPlainText('')).toBe('');
    expect(markdownToPlainText('\n\n')).toBe('');
  });
});
