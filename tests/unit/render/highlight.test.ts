// @vitest-environment jsdom
import { describe, expect, test } from 'vitest';
import { highlightedFragment, isLoaded, languageName, loadLanguage } from '../../../src/lib/render/highlight';

function html(fragment: DocumentFragment | null): string {
  const root = document.createElement('code');
  if (fragment) root.append(fragment);
  return root.innerHTML;
}

describe('highlighting', () => {
  test('knows the usual names for the languages it loads', () => {
    expect(['ts', 'TSX', 'py', 'sh', 'html', 'yml', 'c++', 'json'].map(languageName)).toEqual([
      'typescript',
      'typescript',
      'python',
      'bash',
      'xml',
      'yaml',
      'cpp',
      'json',
    ]);
    expect(languageName('brainfuck')).toBeNull();
    expect(languageName('')).toBeNull();
  });

  test('builds spans and text itself: markup in the code stays text', async () => {
    expect(highlightedFragment(document, '{}', 'json')).toBeNull();
    expect(await loadLanguage('json')).toBe(true);
    expect(isLoaded('json')).toBe(true);
    const code = '{"key": "</span><img src=x onerror=alert(1)> & \'q\'", "n": 1}';
    const fragment = highlightedFragment(document, code, 'json');
    expect(fragment?.textContent).toBe(code);
    const markup = html(fragment);
    expect(markup).toBe(
      '{<span class="hljs-attr">"key"</span>: <span class="hljs-string">"&lt;/span&gt;&lt;img src=x onerror=alert(1)&gt; &amp; \'q\'"</span>, <span class="hljs-attr">"n"</span>: <span class="hljs-number">1</span>}',
    );
  });

  test('an unknown language is not loaded', async () => {
    expect(await loadLanguage('cobol')).toBe(false);
  });
});
