import { describe, expect, test } from 'vitest';
import { TemplateSyntaxError, parseTemplate, renderTemplate } from '../../../src/lib/prompts/template';

describe('parseTemplate', () => {
  test('finds typed variables once each, in order of first use', () => {
    const parsed = parseTemplate('Write {{count:number}} {{tone:select:formal | casual}} tips about {{topic}}.\nNotes: {{notes:multiline}}\nAgain: {{topic}}');
    expect(parsed.variables).toEqual([
      { name: 'count', type: 'number', options: [] },
      { name: 'tone', type: 'select', options: ['formal', 'casual'] },
      { name: 'topic', type: 'text', options: [] },
      { name: 'notes', type: 'multiline', options: [] },
    ]);
    expect(parsed.parts.filter((part) => part.kind === 'variable')).toHaveLength(5);
  });

  test('a bare reference after a typed declaration refers to it', () => {
    expect(parseTemplate('{{n:number}} and {{n}}').variables).toEqual([{ name: 'n', type: 'number', options: [] }]);
  });

  test('plain text, escaped braces and lone closing braces stay text', () => {
    const parsed = parseTemplate('const x = {a: {b: 1}}; literal {{{{not a var}} and {{ name }}');
    expect(parsed.variables.map((variable) => variable.name)).toEqual(['name']);
    expect(renderTemplate(parsed, { name: 'Ada' })).toEqual({ ok: true, text: 'const x = {a: {b: 1}}; literal {{not a var}} and Ada' });
    expect(parseTemplate('')).toEqual({ parts: [], variables: [] });
  });

  test.each([
    ['Hello {{name', /not closed/],
    ['Hello {{name {{other}}', /not closed/],
    ['Empty {{ }}', /Empty placeholder/],
    ['Bad {{2fast}}', /not a valid variable name/],
    ['Bad {{my var}}', /not a valid variable name/],
    ['Type {{x:date}}', /unknown type "date"/],
    ['Select {{x:select}}', /lists no options/],
    ['Select {{x:select:a|a}}', /option twice/],
    ['Options {{x:number:1|2}}', /Only select variables take options/],
    ['Twice {{x:number}} {{x:select:a|b}}', /declared twice with different types/],
  ])('rejects %j', (source, message) => {
    expect(() => parseTemplate(source)).toThrow(TemplateSyntaxError);
    expect(() => parseTemplate(source)).toThrow(message);
  });

  test('errors say where', () => {
    try {
      parseTemplate('abc {{oops');
      throw new Error('expected a syntax error');
    } catch (error) {
      expect((error as TemplateSyntaxError).offset).toBe(4);
    }
  });
});

describe('renderTemplate', () => {
  const template = parseTemplate('{{count:number}} {{tone:select:formal|casual}} tips on {{topic}}');

  test('fills every occurrence with trimmed values', () => {
    expect(renderTemplate(template, { count: ' 3 ', tone: 'casual', topic: 'tea' })).toEqual({ ok: true, text: '3 casual tips on tea' });
  });

  test('reports each missing or invalid value by name', () => {
    expect(renderTemplate(template, { count: 'three', tone: 'loud' })).toEqual({
      ok: false,
      errors: {
        count: '“count” must be a number.',
        tone: 'Choose one of: formal, casual.',
        topic: 'Fill in “topic”.',
      },
    });
  });
});
