/**
 * JSON for display: a parser that keeps what a tree view needs and `JSON.parse` throws away
 * (key order and duplicate keys, numbers exactly as written, where parsing failed as line and
 * column), paths in the `$.items[2].name` notation, and which nodes to open.
 *
 * The parser is strict RFC 8259. It never recurses deeper than MAX_DEPTH, so a hostile answer
 * of ten thousand nested brackets is an error message, not a stack overflow.
 */

export type JsonNode =
  | { kind: 'object'; entries: JsonEntry[] }
  | { kind: 'array'; items: JsonNode[] }
  | { kind: 'string'; value: string }
  /** `raw` is the number as written: 12345678901234567890 must not be shown as 12345678901234567000. */
  | { kind: 'number'; raw: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' };

export interface JsonEntry {
  key: string;
  value: JsonNode;
}

export interface JsonParseError {
  message: string;
  /** Where parsing stopped: UTF-16 offset, and 1-based line and column. */
  offset: number;
  line: number;
  column: number;
  /** The text ended before the value did: typical of an answer cut off by Stop or a token limit. */
  truncated: boolean;
}

export type JsonParseResult = { ok: true; value: JsonNode } | { ok: false; error: JsonParseError };

export const MAX_DEPTH = 512;

class ParseFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly truncated = false,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** Text a valid number can still grow from, such as "-", "1." or "2e". */
const NUMBER_PREFIX = /^-?(?:(?:0|[1-9]\d*)(?:\.\d*)?(?:(?<=\d)[eE][+-]?\d*)?)?$/;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  #at = 0;
  constructor(readonly text: string) {}

  document(): JsonNode {
    this.#space();
    const value = this.#value(0);
    this.#space();
    if (this.#at < this.text.length) this.#fail(`Unexpected ${describe(this.text[this.#at])} after the end of the JSON value`);
    return value;
  }

  #value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) this.#fail(`Nested more than ${MAX_DEPTH} levels deep`);
    const char = this.#peek('a value');
    if (char === '{') return this.#object(depth);
    if (char === '[') return this.#array(depth);
    if (char === '"') return { kind: 'string', value: this.#string() };
    if (char === '-' || (char >= '0' && char <= '9')) return this.#number();
    for (const [word, node] of LITERALS) {
      if (this.text.startsWith(word, this.#at)) {
        this.#at += word.length;
        return node;
      }
      // A literal the text stops in the middle of ("tru") was cut off, not misspelt.
      if (word.startsWith(this.text.slice(this.#at))) this.#fail('The JSON ends in the middle of a value', true, this.text.length);
    }
    return this.#fail(`Unexpected ${describe(char)}: expected a value`);
  }

  #object(depth: number): JsonNode {
    this.#at++;
    const entries: JsonEntry[] = [];
    this.#space();
    if (this.#peek('a property name or \'}\'') === '}') {
      this.#at++;
      return { kind: 'object', entries };
    }
    while (true) {
      this.#space();
      if (this.#peek('a property name') !== '"') this.#fail(`Expected a property name in double quotes, found ${describe(this.text[this.#at])}`);
      const key = this.#string();
      this.#space();
      if (this.#peek("':' after a property name") !== ':') this.#fail(`Expected ':' after a property name, found ${describe(this.text[this.#at])}`);
      this.#at++;
      this.#space();
      entries.push({ key, value: this.#value(depth + 1) });
      this.#space();
      const next = this.#peek("',' or '}'");
      this.#at++;
      if (next === '}') return { kind: 'object', entries };
      if (next !== ',') this.#fail(`Expected ',' or '}' after a property value, found ${describe(next)}`, false, this.#at - 1);
    }
  }

  #array(depth: number): JsonNode {
    this.#at++;
    const items: JsonNode[] = [];
    this.#space();
    if (this.#peek("a value or ']'") === ']') {
      this.#at++;
      return { kind: 'array', items };
    }
    while (true) {
      this.#space();
      items.push(this.#value(depth + 1));
      this.#space();
      const next = this.#peek("',' or ']'");
      this.#at++;
      if (next === ']') return { kind: 'array', items };
      if (next !== ',') this.#fail(`Expected ',' or ']' after an array item, found ${describe(next)}`, false, this.#at - 1);
    }
  }

  #string(): string {
    this.#at++;
    let value = '';
    let run = this.#at;
    while (true) {
      if (this.#at >= this.text.length) this.#fail('The JSON ends inside a string', true, this.text.length);
      const code = this.text.charCodeAt(this.#at);
      if (code === 0x22) {
        value += this.text.slice(run, this.#at);
        this.#at++;
        return value;
      }
      if (code < 0x20) this.#fail('A control character (such as a raw line break) inside a string must be escaped');
      if (code === 0x5c) {
        value += this.text.slice(run, this.#at);
        value += this.#escape();
        run = this.#at;
        continue;
      }
      this.#at++;
    }
  }

  #escape(): string {
    const letter = this.text[this.#at + 1];
    if (letter === undefined) this.#fail('The JSON ends inside a string', true, this.text.length);
    if (letter === 'u') {
      const hex = this.text.slice(this.#at + 2, this.#at + 6);
      if (hex.length < 4 && /^[0-9a-fA-F]*$/.test(hex) && this.#at + 2 + hex.length === this.text.length) {
        this.#fail('The JSON ends inside a string', true, this.text.length);
      }
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.#fail('A \\u escape needs four hex digits');
      this.#at += 6;
      return String.fromCharCode(Number.parseInt(hex, 16));
    }
    const char = ESCAPES[letter];
    if (char === undefined) this.#fail(`Unknown escape \\${letter} in a string`);
    this.#at += 2;
    return char;
  }

  #number(): JsonNode {
    NUMBER.lastIndex = this.#at;
    const match = NUMBER.exec(this.text);
    const raw = match?.[0] ?? '';
    const after = this.text[this.#at + raw.length];
    if (raw === '' || raw === '-' || (after !== undefined && /[0-9.eE+-]/.test(after))) {
      // "1." or "-" at the very end is a number that was cut off.
      if (NUMBER_PREFIX.test(this.text.slice(this.#at))) this.#fail('The JSON ends in the middle of a number', true, this.text.length);
      this.#fail('Invalid number');
    }
    this.#at += raw.length;
    return { kind: 'number', raw };
  }

  #space(): void {
    while (this.#at < this.text.length) {
      const code = this.text.charCodeAt(this.#at);
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return;
      this.#at++;
    }
  }

  /** The next character; running out of text here means the JSON was cut off. */
  #peek(expected: string): string {
    const char = this.text[this.#at];
    if (char === undefined) this.#fail(`The JSON ends too early: expected ${expected}`, true);
    return char;
  }

  #fail(message: string, truncated = false, offset = this.#at): never {
    throw new ParseFailure(message, offset, truncated);
  }
}

const LITERALS: ReadonlyArray<readonly [string, JsonNode]> = [
  ['true', { kind: 'boolean', value: true }],
  ['false', { kind: 'boolean', value: false }],
  ['null', { kind: 'null' }],
];

function describe(char: string | undefined): string {
  if (char === undefined) return 'the end of the text';
  if (char === '\n') return 'a line break';
  return `'${char}'`;
}

export function parseJson(text: string): JsonParseResult {
  const parser = new Parser(text);
  try {
    return { ok: true, value: parser.document() };
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    const { line, column } = lineAndColumn(text, error.offset);
    return { ok: false, error: { message: error.message, offset: error.offset, line, column, truncated: error.truncated } };
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/** `true` when the text looks like it is meant to be one JSON document (object or array). */
export function looksLikeJson(text: string): boolean {
  const start = text.trimStart()[0];
  return start === '{' || start === '[';
}

// Paths

export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** JSONPath-style: `$.items[2].name`, with keys that are not identifiers quoted: `$["a b"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

// Values

export const isContainer = (node: JsonNode): node is Extract<JsonNode, { kind: 'object' | 'array' }> =>
  node.kind === 'object' || node.kind === 'array';

export function childCount(node: JsonNode): number {
  if (node.kind === 'object') return node.entries.length;
  if (node.kind === 'array') return node.items.length;
  return 0;
}

/** Children (or the first `limit` of them) with the path segment each adds, in source order. */
export function children(node: JsonNode, limit = Number.POSITIVE_INFINITY): Array<{ segment: PathSegment; node: JsonNode }> {
  if (node.kind === 'object') return node.entries.slice(0, limit).map((entry) => ({ segment: entry.key, node: entry.value }));
  if (node.kind === 'array') return node.items.slice(0, limit).map((item, index) => ({ segment: index, node: item }));
  return [];
}

/** Pretty-printed JSON that keeps key order, duplicate keys and numbers as written. */
export function stringifyNode(node: JsonNode, indent = 2): string {
  const parts: string[] = [];
  const write = (current: JsonNode, depth: number): void => {
    const pad = ' '.repeat(indent * (depth + 1));
    const close = ' '.repeat(indent * depth);
    switch (current.kind) {
      case 'object':
        if (current.entries.length === 0) return void parts.push('{}');
        parts.push('{\n');
        current.entries.forEach((entry, index) => {
          parts.push(`${pad}${JSON.stringify(entry.key)}: `);
          write(entry.value, depth + 1);
          parts.push(index < current.entries.length - 1 ? ',\n' : '\n');
        });
        return void parts.push(`${close}}`);
      case 'array':
        if (current.items.length === 0) return void parts.push('[]');
        parts.push('[\n');
        current.items.forEach((item, index) => {
          parts.push(pad);
          write(item, depth + 1);
          parts.push(index < current.items.length - 1 ? ',\n' : '\n');
        });
        return void parts.push(`${close}]`);
      case 'string':
        return void parts.push(JSON.stringify(current.value));
      case 'number':
        return void parts.push(current.raw);
      case 'boolean':
        return void parts.push(String(current.value));
      case 'null':
        return void parts.push('null');
    }
  };
  write(node, 0);
  return parts.join('');
}

/** What "copy value" puts on the clipboard: a string as itself, anything else as JSON. */
export function copyableValue(node: JsonNode): string {
  return node.kind === 'string' ? node.value : stringifyNode(node);
}

/** A one-line preview of a value for a tree row. */
export function preview(node: JsonNode, maxLength = 120): string {
  switch (node.kind) {
    case 'object':
      return `{…} ${plural(node.entries.length, 'key')}`;
    case 'array':
      return `[…] ${plural(node.items.length, 'item')}`;
    case 'string': {
      const quoted = JSON.stringify(node.value);
      return quoted.length > maxLength ? `${quoted.slice(0, maxLength - 2)}…"` : quoted;
    }
    case 'number':
      return node.raw;
    case 'boolean':
      return String(node.value);
    case 'null':
      return 'null';
  }
}

const plural = (count: number, noun: string): string => `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;

// Expansion

/**
 * How many children an open node shows before a "show more" button: a 100,000-item array opens
 * as fast as a 10-item one.
 */
export const PAGE_SIZE = 100;

/** A node's identity in a tree: child indexes from the root ("" is the root, "0/3" its first child's fourth). */
export const childKey = (parent: string, index: number): string => (parent === '' ? String(index) : `${parent}/${index}`);

/**
 * The containers to open, breadth first, up to `maxDepth`, stopping before the rows on screen
 * would exceed `budget`: "expand all" on a huge document opens as much as stays responsive.
 */
export function expansion(root: JsonNode, options: { maxDepth?: number; budget?: number } = {}): { keys: Set<string>; complete: boolean } {
  const { maxDepth = Number.POSITIVE_INFINITY, budget = 2000 } = options;
  const keys = new Set<string>();
  let rows = 1;
  let queue: Array<{ key: string; node: JsonNode; depth: number }> = [{ key: '', node: root, depth: 0 }];
  let complete = true;
  while (queue.length > 0) {
    const next: typeof queue = [];
    for (const { key, node, depth } of queue) {
      if (!isContainer(node)) continue;
      if (depth >= maxDepth) {
        if (childCount(node) > 0) complete = false;
        continue;
      }
      const shown = Math.min(childCount(node), PAGE_SIZE);
      if (shown < childCount(node)) complete = false;
      if (rows + shown > budget) {
        complete = false;
        continue;
      }
      rows += shown;
      keys.add(key);
      children(node, shown).forEach((child, index) => next.push({ key: childKey(key, index), node: child.node, depth: depth + 1 }));
    }
    queue = next;
  }
  return { keys, complete };
}
