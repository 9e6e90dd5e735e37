/**
 * Prompt templates: text with `{{variable}}` placeholders that become form fields.
 *
 *   {{topic}}                        one line of text
 *   {{notes:multiline}}              several lines
 *   {{count:number}}                 a number
 *   {{tone:select:formal|casual}}    one of the listed options
 *
 * A variable may appear several times; it is asked for once. `{{{{` writes a literal `{{`.
 */

export type VariableType = 'text' | 'multiline' | 'number' | 'select';

export interface TemplateVariable {
  name: string;
  type: VariableType;
  /** For `select`. */
  options: string[];
}

export type TemplatePart = { kind: 'text'; text: string } | { kind: 'variable'; name: string };

export interface ParsedTemplate {
  parts: TemplatePart[];
  /** In order of first appearance. */
  variables: TemplateVariable[];
}

export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';
  constructor(
    message: string,
    /** Offset in the template where the problem is. */
    readonly offset: number,
  ) {
    super(message);
  }
}

const NAME = /^[A-Za-z_][\w-]*$/;
const TYPES: readonly VariableType[] = ['text', 'multiline', 'number', 'select'];

export function parseTemplate(source: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const variables = new Map<string, TemplateVariable>();
  let text = '';
  let index = 0;
  while (index < source.length) {
    if (source.startsWith('{{{{', index)) {
      text += '{{';
      index += 4;
      continue;
    }
    if (!source.startsWith('{{', index)) {
      // A lone "}}" is ordinary text (code often has it); only "{{" opens a placeholder.
      const open = source.indexOf('{{', index);
      const next = open === -1 ? source.length : open;
      text += source.slice(index, next);
      index = next;
      continue;
    }
    const end = source.indexOf('}}', index + 2);
    const nextOpen = source.indexOf('{{', index + 2);
    if (end === -1 || (nextOpen !== -1 && nextOpen < end)) {
      throw new TemplateSyntaxError(`The placeholder starting at position ${index} is not closed with "}}".`, index);
    }
    const variable = parseVariable(source.slice(index + 2, end).trim(), index);
    const known = variables.get(variable.name);
    if (known && !sameDeclaration(known, variable)) {
      // A bare {{name}} after a typed one refers to it; two different types are a contradiction.
      if (variable.type !== 'text' || variable.options.length > 0) {
        throw new TemplateSyntaxError(`"${variable.name}" is declared twice with different types.`, index);
      }
    } else if (!known) {
      variables.set(variable.name, variable);
    }
    if (text) parts.push({ kind: 'text', text });
    text = '';
    parts.push({ kind: 'variable', name: variable.name });
    index = end + 2;
  }
  if (text) parts.push({ kind: 'text', text });
  return { parts, variables: [...variables.values()] };
}

function parseVariable(inner: string, offset: number): TemplateVariable {
  if (!inner) throw new TemplateSyntaxError(`Empty placeholder "{{}}" at position ${offset}.`, offset);
  const [rawName = '', rawType, ...rest] = inner.split(':');
  const name = rawName.trim();
  if (!NAME.test(name)) {
    throw new TemplateSyntaxError(`"${name}" is not a valid variable name (letters, digits, _ and -; not starting with a digit).`, offset);
  }
  const type = (rawType?.trim() || 'text') as VariableType;
  if (!TYPES.includes(type)) {
    throw new TemplateSyntaxError(`"${name}" has unknown type "${type}" (use text, multiline, number or select).`, offset);
  }
  if (type !== 'select') {
    if (rest.length > 0) throw new TemplateSyntaxError(`Only select variables take options ("${name}").`, offset);
    return { name, type, options: [] };
  }
  const options = rest
    .join(':')
    .split('|')
    .map((option) => option.trim())
    .filter(Boolean);
  if (options.length === 0) throw new TemplateSyntaxError(`The select variable "${name}" lists no options (e.g. {{${name}:select:a|b}}).`, offset);
  if (new Set(options).size !== options.length) throw new TemplateSyntaxError(`The select variable "${name}" lists an option twice.`, offset);
  return { name, type, options };
}

function sameDeclaration(a: TemplateVariable, b: TemplateVariable): boolean {
  return a.type === b.type && a.options.join('|') === b.options.join('|');
}

/** Form values; number inputs may hand over numbers. */
export type TemplateValues = Record<string, string | number>;

export type RenderResult = { ok: true; text: string } | { ok: false; errors: Record<string, string> };

/** Fills the placeholders; every problem is reported per variable, in words for the form. */
export function renderTemplate(template: ParsedTemplate, values: TemplateValues): RenderResult {
  const errors: Record<string, string> = {};
  for (const variable of template.variables) {
    const problem = validateValue(variable, String(values[variable.name] ?? ''));
    if (problem) errors[variable.name] = problem;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const text = template.parts.map((part) => (part.kind === 'text' ? part.text : String(values[part.name] ?? '').trim())).join('');
  return { ok: true, text };
}

function validateValue(variable: TemplateVariable, value: string): string | null {
  const trimmed = value.trim();
  if (!trimmed) return `Fill in “${variable.name}”.`;
  if (variable.type === 'number' && !Number.isFinite(Number(trimmed))) return `“${variable.name}” must be a number.`;
  if (variable.type === 'select' && !variable.options.includes(trimmed)) {
    return `Choose one of: ${variable.options.join(', ')}.`;
  }
  return null;
}
