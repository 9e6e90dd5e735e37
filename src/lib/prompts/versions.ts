/**
 * Template versions. Every saved edit is a new, immutable version; reverting is a new version
 * too, so history only grows and every answer can name the exact text that produced it.
 */
import { parseTemplate } from './template';

export interface TemplateVersion {
  version: number;
  body: string;
  createdAt: number;
  /** Why this version exists, e.g. "Reverted to version 2". */
  note?: string;
}

export interface PromptTemplate {
  id: string;
  name: string;
  createdAt: number;
  updatedAt: number;
  /** Oldest first; never empty. */
  versions: TemplateVersion[];
}

export function latestVersion(template: PromptTemplate): TemplateVersion {
  const latest = template.versions.at(-1);
  if (!latest) throw new Error(`Template ${template.id} has no versions.`);
  return latest;
}

export function createTemplate(input: { id: string; name: string; body: string; now: number }): PromptTemplate {
  parseTemplate(input.body);
  return {
    id: input.id,
    name: input.name.trim() || 'Untitled template',
    createdAt: input.now,
    updatedAt: input.now,
    versions: [{ version: 1, body: input.body, createdAt: input.now }],
  };
}

/** Saves an edit as a new version; an unchanged body keeps the current one (a rename is not a version). */
export function saveVersion(template: PromptTemplate, edit: { name?: string; body: string; now: number; note?: string }): PromptTemplate {
  parseTemplate(edit.body);
  const latest = latestVersion(template);
  const name = edit.name?.trim() || template.name;
  if (edit.body === latest.body) return name === template.name ? template : { ...template, name, updatedAt: edit.now };
  const version: TemplateVersion = { version: latest.version + 1, body: edit.body, createdAt: edit.now };
  if (edit.note) version.note = edit.note;
  return { ...template, name, updatedAt: edit.now, versions: [...template.versions, version] };
}

export function revertTo(template: PromptTemplate, version: number, now: number): PromptTemplate {
  const target = template.versions.find((item) => item.version === version);
  if (!target) throw new Error(`Template "${template.name}" has no version ${version}.`);
  return saveVersion(template, { body: target.body, now, note: `Reverted to version ${version}` });
}

export type DiffLine = { kind: 'same' | 'added' | 'removed'; text: string };

/** Line diff (longest common subsequence): what changed from `before` to `after`. */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  // Common subsequence lengths from the end; templates are short, so quadratic is fine.
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      lines.push({ kind: 'same', text: a[i]! });
      i++;
      j++;
    } else if (lengths[i + 1]![j]! >= lengths[i]![j + 1]!) {
      lines.push({ kind: 'removed', text: a[i++]! });
    } else {
      lines.push({ kind: 'added', text: b[j++]! });
    }
  }
  while (i < a.length) lines.push({ kind: 'removed', text: a[i++]! });
  while (j < b.length) lines.push({ kind: 'added', text: b[j++]! });
  return lines;
}
