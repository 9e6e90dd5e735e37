/**
 * Small building blocks for checking untrusted JSON against the app's types. A check either
 * returns a fresh value built from the fields it knows, or throws a BackupError that names the
 * record and the field, e.g.
 *
 *   Conversation 3 (“Trip to Rome”), message 12: the field “role” must be one of system, user,
 *   assistant (it is "admin").
 *
 * `shape` takes one check per field of a type, optional ones included, so the compiler refuses
 * the table when the type gains a field: a new field cannot be forgotten by the backup.
 */
import { BackupError } from './format';

export type Json = Record<string, unknown>;

/** Where a value is: the record, in words, and the field inside it (a path such as `request.sampling.top_p`). */
export interface At {
  where: string;
  field: string;
}

export type Check<T> = (value: unknown, at: At) => T;

/** One check per field; `-?` makes optional fields required in the table (not in the value). */
export type Fields<T> = { [K in keyof T]-?: Check<T[K]> };

export const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function fail(at: At, problem: string): never {
  throw new BackupError(`${at.where}: ${at.field ? `the field “${at.field}” ` : ''}${problem}.`);
}

export const fieldOf = (at: At, name: string | number): At => ({
  where: at.where,
  field: typeof name === 'number' ? `${at.field}[${name}]` : at.field ? `${at.field}.${name}` : name,
});

/** A short description of what was found, for messages. */
export function found(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return value.length > 40 ? `a text of ${value.length.toLocaleString('en')} characters` : JSON.stringify(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'not a finite number';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A record's name for messages: "Conversation 3 (“Trip to Rome”)"; long or odd names are cut. */
export function label(kind: string, index: number, name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '') return `${kind} ${index + 1}`;
  const clean = name.replace(/\s+/g, ' ').trim();
  return `${kind} ${index + 1} (“${clean.length > 40 ? `${clean.slice(0, 39)}…` : clean}”)`;
}

export function text(options: { max: number; min?: number }): Check<string> {
  const min = options.min ?? 0;
  return (value, at) => {
    if (typeof value !== 'string') fail(at, `must be text (it is ${found(value)})`);
    if (value.length < min) fail(at, min === 1 ? 'must not be empty' : `must have at least ${min} characters`);
    if (value.length > options.max) fail(at, `is longer than ${options.max.toLocaleString('en')} characters (${value.length.toLocaleString('en')})`);
    return value;
  };
}

export function number(options: { min?: number; max?: number; integer?: boolean } = {}): Check<number> {
  const { min = -Number.MAX_VALUE, max = Number.MAX_VALUE, integer = false } = options;
  return (value, at) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(at, `must be a finite number (it is ${found(value)})`);
    if (integer && !Number.isInteger(value)) fail(at, `must be a whole number (it is ${value})`);
    if (value < min || value > max) fail(at, `must be between ${min} and ${max} (it is ${value})`);
    return value;
  };
}

/** Milliseconds since 1970, up to the largest date JavaScript has. */
export const time = number({ min: 0, max: 8.64e15 });
export const count = number({ min: 0, max: Number.MAX_SAFE_INTEGER, integer: true });

export function boolean(value: unknown, at: At): boolean {
  if (typeof value !== 'boolean') fail(at, `must be true or false (it is ${found(value)})`);
  return value;
}

export function oneOf<const T extends string | number | boolean>(allowed: readonly T[]): Check<T> {
  return (value, at) => {
    if (!allowed.includes(value as T)) fail(at, `must be ${allowed.length === 1 ? JSON.stringify(allowed[0]) : `one of ${allowed.join(', ')}`} (it is ${found(value)})`);
    return value as T;
  };
}

export function optional<T>(check: Check<T>): Check<T | undefined> {
  return (value, at) => (value === undefined ? undefined : check(value, at));
}

export function nullable<T>(check: Check<T>): Check<T | null> {
  return (value, at) => (value === null ? null : check(value, at));
}

export function list<T>(item: Check<T>, max: number): Check<T[]> {
  return (value, at) => {
    if (!Array.isArray(value)) fail(at, `must be a list (it is ${found(value)})`);
    if (value.length > max) fail(at, `has ${value.length.toLocaleString('en')} items; at most ${max.toLocaleString('en')} are allowed`);
    return value.map((element, index) => item(element, fieldOf(at, index)));
  };
}

export function object(value: unknown, at: At): Json {
  if (!isObject(value)) fail(at, `must be an object (it is ${found(value)})`);
  return value;
}

/**
 * An object with exactly these fields: each is checked, fields the table does not name are
 * refused (a backup of this version never has them), and absent optional fields stay absent.
 */
export function shape<T>(fields: Fields<T>): Check<T> {
  return (value, at) => {
    const record = object(value, at);
    for (const key of Object.keys(record)) {
      if (!Object.hasOwn(fields, key)) fail(fieldOf(at, key), 'is not part of this format');
    }
    const out: Json = {};
    for (const key of Object.keys(fields) as Array<keyof T & string>) {
      const checked = fields[key](record[key], fieldOf(at, key));
      if (checked !== undefined) out[key] = checked;
    }
    return out as T;
  };
}

/**
 * A list of every member of a string union: `allOf<Role>()(['system', 'user', 'assistant'])`.
 * The compiler refuses the list when the union gains a member, so checks never fall behind.
 */
export function allOf<T extends string>() {
  return <const L extends readonly T[]>(members: L & ([T] extends [L[number]] ? unknown : 'lists fewer members than the type')): L => members;
}
