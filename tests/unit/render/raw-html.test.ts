import { describe, expect, test } from 'vitest';
import { filterRawHtml } from '../../../src/lib/render/raw-html';

describe('filterRawHtml', () => {
  test('keeps bare formatting tags', () => {
    expect(filterRawHtml('a<br>b<br/>c<sub>2</sub> <kbd>Ctrl</kbd> <details><summary>More</summary>x</details>')).toBe(
      'a<br>b<br/>c<sub>2</sub> <kbd>Ctrl</kbd> <details><summary>More</summary>x</details>',
    );
  });

  test('shows everything else as text: attributes, unknown tags, comments, broken tags', () => {
    expect(filterRawHtml('<b onclick="alert(1)">x</b>')).toBe('&lt;b onclick="alert(1)"&gt;x</b>');
    expect(filterRawHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(filterRawHtml('<p style="color:red">')).toBe('&lt;p style="color:red"&gt;');
    expect(filterRawHtml('<!-- hidden -->')).toBe('&lt;!-- hidden --&gt;');
    expect(filterRawHtml('<scr<script>ipt>')).toBe('&lt;scr&lt;script&gt;ipt>');
    expect(filterRawHtml('<img src=x onerror=alert(1)')).toBe('&lt;img src=x onerror=alert(1)');
    expect(filterRawHtml('<base href="https://evil.test/">')).toBe('&lt;base href="https://evil.test/"&gt;');
  });
});
