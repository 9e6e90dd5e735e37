import { describe, expect, test } from 'vitest';
import { checkJsonSchema } from '../../../src/lib/chat/response-format';

describe('checkJsonSchema', () => {
  test('accepts a schema and sends it compact', () => {
    const result = checkJsonSchema('{\n  "type": "object",\n  "properties": { "name": { "type": "string" } },\n  "required": ["name"]\n}');
    expect(result).toEqual({ ok: true, format: { type: 'json_object', schema: '{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}' } });
  });

  test('points at the place where the JSON is broken', () => {
    const result = checkJsonSchema('{\n  "type": "object",\n  "properties": {\n}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(/^Not valid JSON \(line 4, column 2\)/);
  });

  test('refuses JSON that is not a schema, and obvious keyword mistakes', () => {
    expect(checkJsonSchema('')).toMatchObject({ ok: false });
    expect(checkJsonSchema('[1, 2]')).toMatchObject({ ok: false, message: expect.stringContaining('is an object') });
    expect(checkJsonSchema('{"name": "Ada"}')).toMatchObject({ ok: false, message: expect.stringContaining('not a schema') });
    expect(checkJsonSchema('{"type": "obj"}')).toMatchObject({ ok: false, message: expect.stringContaining('unknown type: "obj"') });
    expect(checkJsonSchema('{"type": ["string", "null"]}')).toMatchObject({ ok: true });
    expect(checkJsonSchema('{"type": "object", "properties": []}')).toMatchObject({ ok: false, message: '"properties" must be an object.' });
    expect(checkJsonSchema('{"type": "object", "required": "name"}')).toMatchObject({ ok: false, message: '"required" must be an array.' });
  });

  test('looks into nested schemas too', () => {
    expect(checkJsonSchema('{"type": "object", "properties": {"name": {"type": "strin"}}}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('unknown type in properties.name: "strin"'),
    });
    expect(checkJsonSchema('{"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": 3}]}}')).toMatchObject({
      ok: false,
      message: expect.stringContaining('in items in anyOf[1]'),
    });
    expect(checkJsonSchema('{"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}}}}')).toMatchObject({ ok: true });
  });
});
