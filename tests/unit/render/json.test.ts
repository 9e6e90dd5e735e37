import { describe, expect, test } from 'vitest';
import {
  MAX_DEPTH,
  PAGE_SIZE,
  childKey,
  copyableValue,
  expansion,
  formatPath,
  parseJson,
  preview,
  stringifyNode,
  type JsonNode,
} from '../../../src/lib/render/json';

function parsed(text: string): JsonNode {
  const result = parseJson(text);
  if (!result.ok) throw new Error(`expected valid JSON: ${result.error.message}`);
  return result.value;
}

function failure(text: string) {
  const result = parseJson(text);
  if (result.ok) throw new Error('expected a parse error');
  return result.error;
}

/** Converts our tree back to plain JS values, to compare with JSON.parse. */
function plain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'object':
      return Object.fromEntries(node.entries.map((entry) => [entry.key, plain(entry.value)]));
    case 'array':
      return node.items.map(plain);
    case 'string':
    case 'boolean':
      return node.value;
    case 'number':
      return Number(node.raw);
    case 'null':
      return null;
  }
}

describe('parseJson', () => {
  test('agrees with JSON.parse on valid documents', () => {
    const documents = [
      '{}',
      '[]',
      ' {"a": 1, "b": [true, false, null], "c": {"d": "e\\n\\u00e9\\"\\\\\\/"}} ',
      '[-0, 0.5, 1e10, -2.5E-3, 123456]',
      '"just a string"',
      '42',
      '{"nested": [[[{"x": [1, {"y": "z"}]}]]]}',
      '\t\r\n[1,\n2]\n',
    ];
    for (const text of documents) expect(plain(parsed(text))).toEqual(JSON.parse(text));
  });

  test('keeps key order, duplicate keys and numbers exactly as written', () => {
    const node = parsed('{"b": 1, "2": 2, "a": 12345678901234567890, "b": 1.50}');
    if (node.kind !== 'object') throw new Error('object expected');
    expect(node.entries.map((entry) => entry.key)).toEqual(['b', '2', 'a', 'b']);
    expect(node.entries[2]?.value).toEqual({ kind: 'number', raw: '12345678901234567890' });
    expect(stringifyNode(node)).toBe('{\n  "b": 1,\n  "2": 2,\n  "a": 12345678901234567890,\n  "b": 1.50\n}');
  });

  test('reports where an invalid document fails, by line and column', () => {
    const error = failure('{\n  "a": 1,\n  "b": 2\n  "c": 3\n}');
    expect(error).toMatchObject({ line: 4, column: 3, truncated: false });
    expect(error.message).toBe("Expected ',' or '}' after a property value, found '\"'");

    expect(failure('[1, 2,]')).toMatchObject({ line: 1, column: 7, message: "Unexpected ']': expected a value" });
    expect(failure('{"a": 1,}').message).toBe("Expected a property name in double quotes, found '}'");
    expect(failure("{'a': 1}").message).toContain('property name in double quotes');
    expect(failure('{"a" 1}').message).toBe("Expected ':' after a property name, found '1'");
    expect(failure('[01]').message).toBe('Invalid number');
    expect(failure('"line\nbreak"').message).toContain('control character');
    expect(failure('"bad \\q escape"').message).toBe('Unknown escape \\q in a string');
    expect(failure('{} extra')).toMatchObject({ column: 4, message: "Unexpected 'e' after the end of the JSON value" });
    expect(failure('')).toMatchObject({ truncated: true, line: 1, column: 1 });
    expect(failure('undefined').message).toBe("Unexpected 'u': expected a value");
  });

  test('recognises a document that was cut off, wherever it stops', () => {
    const whole = '{"items": [{"name": "alpha", "ok": true, "n": -1.5e3, "u": "\\u00e9"}], "none": null}';
    for (let end = 1; end < whole.length; end++) {
      const error = failure(whole.slice(0, end));
      expect(error.truncated, `cut after ${end} characters: ${error.message}`).toBe(true);
      expect(error.offset).toBeLessThanOrEqual(end);
    }
    expect(failure('{"a": tru').message).toBe('The JSON ends in the middle of a value');
    expect(failure('[1, 2').message).toBe("The JSON ends too early: expected ',' or ']'");
  });

  test('refuses absurd nesting with a message instead of overflowing the stack', () => {
    const deep = '['.repeat(MAX_DEPTH + 10) + ']'.repeat(MAX_DEPTH + 10);
    expect(failure(deep).message).toBe(`Nested more than ${MAX_DEPTH} levels deep`);
    const fine = '['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH);
    expect(parseJson(fine).ok).toBe(true);
  });

  test('parses a large document quickly enough to show', () => {
    const big = JSON.stringify({ rows: Array.from({ length: 20_000 }, (_, index) => ({ index, name: `row ${index}`, tags: ['a', 'b'] })) });
    const node = parsed(big);
    expect(node.kind === 'object' && node.entries[0]?.value.kind === 'array' && node.entries[0].value.items.length).toBe(20_000);
  });
});

describe('paths and values', () => {
  test('formats paths the way people write them', () => {
    expect(formatPath([])).toBe('$');
    expect(formatPath(['items', 2, 'name'])).toBe('$.items[2].name');
    expect(formatPath(['a b', 'x.y', '', '_ok$', '1st'])).toBe('$["a b"]["x.y"][""]._ok$["1st"]');
    expect(formatPath(['quote"d'])).toBe('$["quote\\"d"]');
  });

  test('copy value gives strings as themselves and everything else as JSON', () => {
    expect(copyableValue({ kind: 'string', value: 'hi "there"' })).toBe('hi "there"');
    expect(copyableValue({ kind: 'number', raw: '1.50' })).toBe('1.50');
    expect(copyableValue(parsed('{"a":[1,{}],"b":[]}'))).toBe('{\n  "a": [\n    1,\n    {}\n  ],\n  "b": []\n}');
  });

  test('previews say what a collapsed node holds', () => {
    expect(preview(parsed('{"a":1,"b":2}'))).toBe('{…} 2 keys');
    expect(preview(parsed('[1]'))).toBe('[…] 1 item');
    expect(preview(parsed(JSON.stringify('x'.repeat(500))), 20)).toHaveLength(20);
  });
});

describe('expansion', () => {
  const tree = parsed('{"a": {"b": {"c": [1, 2]}}, "d": [3, {"e": 4}], "f": 5}');

  test('opens everything breadth first when it fits', () => {
    const { keys, complete } = expansion(tree);
    expect(complete).toBe(true);
    expect([...keys]).toEqual(['', '0', '1', '0/0', '1/1', '0/0/0']);
  });

  test('stops at a depth or a row budget, and says it did', () => {
    expect(expansion(tree, { maxDepth: 1 })).toEqual({ keys: new Set(['']), complete: false });
    const wide = parsed(JSON.stringify(Array.from({ length: 50 }, () => ({ x: [1, 2, 3] }))));
    const { keys, complete } = expansion(wide, { budget: 120 });
    expect(complete).toBe(false);
    // Root (51 rows), the 50 objects (one row each: 101), then six 3-item arrays (119) fit in 120.
    expect(keys.size).toBe(1 + 50 + 6);
  });

  test('counts only the first page of a huge array', () => {
    const huge = parsed(JSON.stringify(Array.from({ length: 10_000 }, (_, index) => index)));
    const { keys, complete } = expansion(huge);
    expect(keys).toEqual(new Set(['']));
    expect(complete).toBe(false);
    expect(PAGE_SIZE).toBeLessThan(10_000);
    expect(childKey('', 3)).toBe('3');
    expect(childKey('3', 0)).toBe('3/0');
  });
});
