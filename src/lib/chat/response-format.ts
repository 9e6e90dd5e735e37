/**
 * JSON mode settings as the user enters them. A pasted JSON Schema is checked here, before it
 * is stored or sent: a typo should be pointed at (line and column), not surface later as an
 * engine failure halfway through an answer.
 */
import type { ResponseFormat } from '../engine/protocol';
import { parseJson, type JsonNode } from '../render/json';

export type SchemaCheck = { ok: true; format: ResponseFormat } | { ok: false; message: string };

const SCHEMA_KEYWORDS = ['type', 'properties', 'items', 'enum', 'const', 'anyOf', 'oneOf', 'allOf', '$ref', 'required'];
const TYPES = new Set(['object', 'array', 'string', 'number', 'integer', 'boolean', 'null']);

export function checkJsonSchema(text: string): SchemaCheck {
  if (text.trim() === '') return { ok: false, message: 'Paste a JSON Schema, such as {"type": "object", "properties": {…}}.' };
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { line, column, message } = parsed.error;
    return { ok: false, message: `Not valid JSON (line ${line}, column ${column}): ${message}.` };
  }
  const schema = parsed.value;
  if (schema.kind !== 'object') return { ok: false, message: 'A JSON Schema is an object, such as {"type": "object"}.' };
  if (!schema.entries.some((entry) => SCHEMA_KEYWORDS.includes(entry.key))) {
    return { ok: false, message: `This is JSON, but not a schema: it has none of ${SCHEMA_KEYWORDS.slice(0, 4).join(', ')}, … .` };
  }
  const problem = schemaProblem(schema, '');
  if (problem) return { ok: false, message: problem };
  // Sent compact: the engine compiles it into a grammar, whitespace only costs tokens of prompt.
  return { ok: true, format: { type: 'json_object', schema: JSON.stringify(JSON.parse(text)) } };
}

/** The first mistake in a (sub)schema and the subschemas below it; `at` says where, e.g. " in properties.name". */
function schemaProblem(schema: JsonNode, at: string): string | null {
  if (schema.kind === 'boolean') return null;
  if (schema.kind !== 'object') return `A schema must be an object${at}.`;
  const keys = new Map(schema.entries.map((entry) => [entry.key, entry.value]));
  const problem = typeProblem(keys.get('type'), at) ?? shapeProblem(keys, 'properties', 'object', at) ?? shapeProblem(keys, 'required', 'array', at);
  if (problem) return problem;
  const properties = keys.get('properties');
  if (properties?.kind === 'object') {
    for (const { key, value } of properties.entries) {
      const inner = schemaProblem(value, `${at} in properties.${key}`);
      if (inner) return inner;
    }
  }
  const items = keys.get('items');
  if (items) {
    const inner = schemaProblem(items, `${at} in items`);
    if (inner) return inner;
  }
  for (const combinator of ['anyOf', 'oneOf', 'allOf']) {
    const list = keys.get(combinator);
    if (!list) continue;
    if (list.kind !== 'array') return `"${combinator}" must be an array of schemas${at}.`;
    for (const [index, value] of list.items.entries()) {
      const inner = schemaProblem(value, `${at} in ${combinator}[${index}]`);
      if (inner) return inner;
    }
  }
  return null;
}

function typeProblem(type: JsonNode | undefined, at: string): string | null {
  if (!type) return null;
  const names = type.kind === 'string' ? [type.value] : type.kind === 'array' ? type.items.map((item) => (item.kind === 'string' ? item.value : '')) : null;
  if (!names) return `"type" must be a type name such as "object", or a list of them${at}.`;
  const unknown = names.find((name) => !TYPES.has(name));
  return unknown === undefined ? null : `"type" names an unknown type${at}: "${unknown}". Use object, array, string, number, integer, boolean or null.`;
}

function shapeProblem(keys: Map<string, JsonNode>, keyword: string, kind: JsonNode['kind'], at: string): string | null {
  const value = keys.get(keyword);
  return value && value.kind !== kind ? `"${keyword}" must be an ${kind}${at}.` : null;
}
