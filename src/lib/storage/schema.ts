/**
 * Every stored record carries `schema`. Records older than `SCHEMA_VERSION` are upgraded on
 * read by the migrations below (and written back in the new shape at their next save);
 * records from a newer Hearth are refused rather than misread.
 */
export const SCHEMA_VERSION = 1;

export type Versioned<T> = T & { schema: number };

export class SchemaError extends Error {
  override readonly name = 'SchemaError';
}

export type Migration = (record: Record<string, unknown>) => Record<string, unknown>;

/** MIGRATIONS[n] turns a version-n record into a version-(n+1) record. */
const MIGRATIONS: Readonly<Record<number, Migration>> = {};

export function upgrade<T>(record: unknown, what: string): T {
  return upgradeWith<T>(record, what, MIGRATIONS, SCHEMA_VERSION);
}

/** `upgrade` with given migrations and target version, so the migration path is tested before it is needed. */
export function upgradeWith<T>(record: unknown, what: string, migrations: Readonly<Record<number, Migration>>, target: number): T {
  if (typeof record !== 'object' || record === null) throw new SchemaError(`A stored ${what} is not an object.`);
  let current = record as Record<string, unknown>;
  let version = typeof current.schema === 'number' ? current.schema : 0;
  if (version > target) {
    throw new SchemaError(`A stored ${what} was written by a newer version of Hearth (schema ${version}); please update the app.`);
  }
  while (version < target) {
    const migrate = migrations[version];
    if (!migrate) throw new SchemaError(`A stored ${what} has schema ${version}, which this version cannot read.`);
    current = { ...migrate(current), schema: version + 1 };
    version++;
  }
  // The version belongs to the stored record, not to the value the app works with.
  const { schema: _schema, ...value } = current;
  return value as T;
}

export function stamp<T extends object>(value: T): Versioned<T> {
  return { ...value, schema: SCHEMA_VERSION };
}
