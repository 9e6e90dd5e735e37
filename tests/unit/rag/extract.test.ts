import { describe, expect, test } from 'vitest';
import { RagError, type RagErrorCode } from '../../../src/lib/rag/errors';
import { extractText, type ExtractOptions } from '../../../src/lib/rag/extract';
import { documentKind } from '../../../src/lib/rag/file-types';
import { htmlToText } from '../../../src/lib/rag/html';
import { makeTinyPdf } from '../../fixtures/tiny-pdf';
import { loadLegacyPdfJs } from './pdfjs-node';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const options: ExtractOptions = { loadPdfJs: loadLegacyPdfJs };
const extract = (name: string, bytes: Uint8Array, type = '', extra: Partial<ExtractOptions> = {}) => extractText({ name, type, bytes }, { ...options, ...extra });

async function failure(promise: Promise<unknown>): Promise<RagError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RagError);
  return error as RagError;
}

async function expectCode(promise: Promise<unknown>, code: RagErrorCode, message?: RegExp): Promise<void> {
  const error = await failure(promise);
  expect(error.code).toBe(code);
  if (message) expect(error.message).toMatch(message);
}

describe('file kinds', () => {
  test('by extension first, then by whole name, then by MIME type', () => {
    expect(documentKind('notes.MD')).toBe('markdown');
    expect(documentKind('data.tsv')).toBe('csv');
    expect(documentKind('main.rs')).toBe('code');
    expect(documentKind('src/App.svelte')).toBe('code');
    expect(documentKind('Makefile')).toBe('code');
    expect(documentKind('report.pdf', 'application/octet-stream')).toBe('pdf');
    expect(documentKind('download', 'application/pdf')).toBe('pdf');
    expect(documentKind('clip', 'text/plain')).toBe('text');
    expect(documentKind('photo.png', 'image/png')).toBeNull();
    expect(documentKind('.bashrc')).toBeNull();
  });
});

describe('text kinds', () => {
  test('plain text, Markdown, CSV and code come through as they are, with \\n line ends', async () => {
    expect(await extract('a.txt', utf8('one\r\ntwo\rthree'))).toMatchObject({ kind: 'text', text: 'one\ntwo\nthree', warnings: [] });
    expect((await extract('a.md', utf8('# Title\n\nBody'))).text).toBe('# Title\n\nBody');
    expect((await extract('a.csv', utf8('name,age\nAda,36'))).kind).toBe('csv');
    expect(await extract('main.py', utf8('def f():\n    return 1\n'))).toMatchObject({ kind: 'code', text: 'def f():\n    return 1\n' });
  });

  test('a UTF-8 BOM is dropped; UTF-16 with a BOM, either byte order, and without one, is decoded', async () => {
    expect((await extract('bom.txt', new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('héllo')]))).text).toBe('héllo');
    const le = new Uint8Array([0xff, 0xfe, ...[...'héllo wörld'].flatMap((char) => [char.charCodeAt(0), 0])]);
    expect((await extract('le.txt', le)).text).toBe('héllo wörld');
    const be = new Uint8Array([0xfe, 0xff, ...[...'héllo wörld'].flatMap((char) => [0, char.charCodeAt(0)])]);
    expect((await extract('be.txt', be)).text).toBe('héllo wörld');
    const noBom = new Uint8Array([...'plain old text'].flatMap((char) => [char.charCodeAt(0), 0]));
    expect((await extract('nobom.txt', noBom)).text).toBe('plain old text');
  });

  test('JSON: minified is indented so it chunks at lines; invalid JSON is kept as text with a warning', async () => {
    const minified = JSON.stringify({ items: Array.from({ length: 60 }, (_, index) => ({ id: index, name: `item ${index}` })) });
    const readable = await extract('data.json', utf8(minified));
    expect(readable.text).toBe(JSON.stringify(JSON.parse(minified), null, 2));
    const small = '{\n  "a": 1\n}';
    expect((await extract('small.json', utf8(small))).text).toBe(small);
    const broken = await extract('broken.json', utf8('{"a": 1,'));
    expect(broken.text).toBe('{"a": 1,');
    expect(broken.warnings[0]).toMatch(/not valid JSON/);
  });

  test('a stray invalid byte is tolerated with a warning', async () => {
    const bytes = new Uint8Array([...utf8('a'.repeat(5000)), 0xff, ...utf8('b')]);
    const result = await extract('stray.txt', bytes);
    expect(result.text).toContain('\uFFFD');
    expect(result.warnings[0]).toMatch(/1 undecodable/);
  });
});

describe('HTML', () => {
  test('visible text only, with headings as Markdown headings and <pre> as a fenced block', async () => {
    const html = `<!doctype html><html><head><title>The &amp; Guide</title><style>body{color:red}</style>
      <script>alert("x")</script></head><body><nav>Menu</nav>
      <h1>Getting <em>started</em></h1><p>Install it with&nbsp;npm &mdash; it&#39;s quick &#x263A;.</p>
      <!-- a comment <p>hidden</p> -->
      <h2 id="x">Usage</h2><ul><li>first</li><li>second</li></ul>
      <pre><code>const a = 1 &lt; 2;

console.log(a);</code></pre><p>Broken <b>markup <i>here</p><img src="https://evil.example/x.png" onerror="alert(1)"></body></html>`;
    const result = await extract('page.html', utf8(html));
    expect(result.title).toBe('The & Guide');
    expect(result.text).toBe(
      [
        'Menu',
        '# Getting started',
        'Install it with npm — it\u2019s quick ☺.'.replace('\u2019', "'"),
        '## Usage',
        '- first\n- second',
        '```\nconst a = 1 < 2;\n\nconsole.log(a);\n```',
        'Broken markup here',
      ].join('\n\n'),
    );
    expect(result.text).not.toMatch(/alert|color:red|hidden|evil/);
  });

  test('HTML is never handed to a DOM: a page that would run code as a document is read as text', () => {
    expect(htmlToText('<img src=x onerror="globalThis.pwned = 1"><p>safe</p>')).toBe('safe');
    expect((globalThis as { pwned?: number }).pwned).toBeUndefined();
  });

  test('a page with nothing visible is empty', async () => {
    await expectCode(extract('blank.html', utf8('<html><head><title>t</title></head><body><script>x()</script></body></html>')), 'empty');
  });
});

describe('PDF (pdf.js text layer)', () => {
  test('text of every page, in order, with where each page starts', async () => {
    const pdf = makeTinyPdf({ pages: [['Hearth keeps your files (on this device).', 'Nothing is uploaded.'], ['Second page text.']] });
    const result = await extract('guide.pdf', pdf, 'application/pdf');
    expect(result.kind).toBe('pdf');
    expect(result.text).toBe('Hearth keeps your files (on this device).\nNothing is uploaded.\n\nSecond page text.');
    expect(result.pageStarts).toEqual([0, result.text.indexOf('Second')]);
  });

  test('a PDF with a password says so', async () => {
    await expectCode(extract('secret.pdf', makeTinyPdf({ pages: [['x']], encrypted: true })), 'pdf-encrypted', /password/);
  });

  test('a PDF of images (no text layer) says there is no OCR', async () => {
    await expectCode(extract('scan.pdf', makeTinyPdf({ pages: [[], []] })), 'pdf-no-text', /no text layer.*OCR/s);
  });

  test('a damaged PDF and a text file named .pdf are told apart', async () => {
    const truncated = makeTinyPdf({ pages: [['x']] }).subarray(0, 60);
    await expectCode(extract('cut.pdf', truncated), 'pdf-invalid', /could not be read as a PDF/);
    await expectCode(extract('fake.pdf', utf8('just some words')), 'pdf-invalid', /not a PDF file/);
  });
});

describe('bad input, each with its own message', () => {
  test('unsupported types, with what to do instead', async () => {
    await expectCode(extract('letter.docx', utf8('x')), 'unsupported-type', /\.docx files are not supported\. Save it as PDF/);
    await expectCode(extract('photo.jpg', utf8('x')), 'unsupported-type', /no OCR/);
    await expectCode(extract('thing.xyz', utf8('x')), 'unsupported-type', /Supported: text, Markdown/);
  });

  test('binary files posing as text', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await expectCode(extract('image.txt', png), 'binary', /looks like a PNG image/);
    await expectCode(extract('report.md', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])), 'binary', /ZIP archive/);
    const random = new Uint8Array(4096).map((_, index) => (index * 7919) % 256);
    await expectCode(extract('blob.txt', random), 'binary');
    const controls = utf8(`${'\x01\x02\x03\x04'.repeat(50)}${'text '.repeat(100)}`);
    await expectCode(extract('controls.txt', controls), 'binary');
  });

  test('text in another encoding (Windows-1252) is refused, not shown as mojibake', async () => {
    const latin1 = new Uint8Array([...'Café crème brûlée à la française, déjà vu. '.repeat(20)].map((char) => char.charCodeAt(0)));
    await expectCode(extract('menu.txt', latin1), 'encoding', /not valid UTF-8.*Windows-1252.*save it as UTF-8/s);
    await expectCode(extract('wide.txt', new Uint8Array([0xff, 0xfe, 0, 0, 0x41, 0, 0, 0])), 'encoding', /UTF-32/);
  });

  test('empty files, and files of only whitespace', async () => {
    await expectCode(extract('empty.md', new Uint8Array(0)), 'empty', /empty/);
    await expectCode(extract('blank.txt', utf8(' \n\t\n')), 'empty', /no text/);
  });

  test('over the size limit, in bytes and in extracted characters', async () => {
    await expectCode(extract('big.txt', utf8('x'.repeat(2000)), '', { limits: { maxFileBytes: 1000, maxTextChars: 10_000 } }), 'too-large', /up to/);
    await expectCode(extract('long.txt', utf8('x'.repeat(2000)), '', { limits: { maxFileBytes: 10_000, maxTextChars: 1000 } }), 'too-large', /million characters/);
  });
});
