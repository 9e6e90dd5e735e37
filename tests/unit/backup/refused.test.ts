/**
 * Files a restore must refuse: each is rejected with a message that says what is wrong, and the
 * browser it was restored into is left exactly as it was.
 */
import { beforeAll, describe, expect, test } from 'vitest';
import { BackupError, createBackup, readBackup, restoreBackup } from '../../../src/lib/backup';
import { BACKUP_LIMITS } from '../../../src/lib/backup/format';
import { checkFileSize } from '../../../src/lib/backup/parse';
import { dump, emptyWorld, FIXTURE_NOW, seededWorld } from './world';

type Json = Record<string, unknown>;

let valid: string;

beforeAll(async () => {
  const { blob } = await createBackup((await seededWorld()).repos, { appVersion: '0.1.0', now: new Date(FIXTURE_NOW) });
  valid = await blob.text();
});

/** The valid backup, changed by `edit` (which gets a fresh copy). */
function edited(edit: (backup: Json) => void): string {
  const backup = JSON.parse(valid) as Json;
  edit(backup);
  return JSON.stringify(backup);
}

const data = (backup: Json): Json => backup.data as Json;
const conversations = (backup: Json): Array<{ conversation: Json; messages: Json[] }> => data(backup).conversations as Array<{ conversation: Json; messages: Json[] }>;
const firstMessage = (backup: Json): Json => conversations(backup)[0]?.messages[0] as Json;

/** Reads and restores as the app does; the browser must hold exactly what it held before. */
async function expectRefused(text: string, message: RegExp): Promise<void> {
  // A browser with data of its own: nothing of it may change.
  const world = await seededWorld();
  const before = await dump(world);
  const attempt = readBackup(new Blob([text])).then((parsed) => restoreBackup(world.repos, parsed));
  await expect(attempt).rejects.toBeInstanceOf(BackupError);
  await expect(attempt).rejects.toThrow(message);
  expect(await dump(world)).toEqual(before);
}

describe('files that are not a complete backup', () => {
  test('an empty file', () => expectRefused('', /This file is empty/));
  test('a file that is not JSON', () => expectRefused('hello, world', /not a Hearth backup: the file is not JSON/));
  test('a truncated file: cut off half way', () => expectRefused(valid.slice(0, Math.floor(valid.length / 2)), /not complete JSON: it may have been cut off/));
  test('a truncated file: only the last bracket missing', () => expectRefused(valid.trimEnd().slice(0, -1), /not complete JSON/));
  test('corrupt bytes in the middle', () => {
    const middle = Math.floor(valid.length / 2);
    return expectRefused(`${valid.slice(0, middle)}\u0000#!garbage${valid.slice(middle + 9)}`, /not complete JSON/);
  });
  test('JSON that is not an object', () => expectRefused('[1, 2, 3]', /not a Hearth backup/));
  test('a file larger than a restore can hold is refused before it is read', () => {
    expect(() => checkFileSize(BACKUP_LIMITS.maxFileBytes + 1)).toThrow(/Hearth restores backups of up to 200 MB/);
    expect(() => checkFileSize(0)).toThrow(/empty/);
  });
});

describe('files of another kind or another version', () => {
  test('another format', () => expectRefused(edited((backup) => (backup.format = 'chatgpt-export')), /not a Hearth backup: its “format” is "chatgpt-export"/));
  test('a trace export from Insights', () => expectRefused(JSON.stringify(data(JSON.parse(valid) as Json).traces), /trace export from Insights, not a backup/));
  test('a templates-and-personas export', () =>
    expectRefused(JSON.stringify({ format: 'hearth-prompts', version: 1, templates: [], personas: [] }), /export of templates and personas, not a backup/));
  test('a newer version', () => expectRefused(edited((backup) => (backup.version = 2)), /made by a newer Hearth \(backup format 2; this Hearth reads format 1\)/));
  test('no version', () => expectRefused(edited((backup) => delete backup.version), /no format version/));
  test('a version that never existed', () => expectRefused(edited((backup) => (backup.version = 0)), /unknown format version/));
  test('a part of the data missing', () => expectRefused(edited((backup) => delete data(backup).personas), /the field “data.personas” is missing/));
});

describe('hostile content', () => {
  test('a “__proto__” field anywhere is refused, and no object is polluted', async () => {
    const text = valid.replace('"role":"user"', '"role":"user","__proto__":{"polluted":true}');
    expect(text).not.toBe(valid);
    await expectRefused(text, /field named “__proto__” at data\.conversations\[0\]\.messages\[0\]/);
    expect(({} as Json).polluted).toBeUndefined();
  });

  test('“constructor” and “prototype” fields are refused too', async () => {
    await expectRefused(valid.replace('"settings":{', '"settings":{"constructor":{"prototype":{"x":1}},'), /field named “constructor”/);
  });

  test('a string longer than any Hearth text', () =>
    expectRefused(
      edited((backup) => (firstMessage(backup).content = 'x'.repeat(BACKUP_LIMITS.maxTextChars + 1))),
      /the text at data\.conversations\[0\]\.messages\[0\]\.content has 20,971,521 characters; at most 20,971,520/,
    ));

  test('nesting deeper than any Hearth record', () => {
    let deep: Json = {};
    for (let level = 0; level < 100; level++) deep = { nested: deep };
    return expectRefused(edited((backup) => (firstMessage(backup).content = deep)), /nested deeper than any Hearth record/);
  });

  test('a persona image that is SVG (which can carry script) rather than a raster image', () =>
    expectRefused(
      edited((backup) => {
        const [persona] = data(backup).personas as Json[];
        if (persona) persona.avatar = { kind: 'image', dataUrl: 'data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+' };
      }),
      /Persona 1 \(“Pirate”\): the field “avatar.dataUrl” must be a PNG, JPEG or WebP image/,
    ));

  test('a persona claiming to be built in', () =>
    expectRefused(
      edited((backup) => {
        const [persona] = data(backup).personas as Json[];
        if (persona) persona.builtIn = true;
      }),
      /built-in personas come with the app/,
    ));
});

describe('records with wrong types or values, named by record and field', () => {
  test('a time that is text', () =>
    expectRefused(
      edited((backup) => (firstMessage(backup).createdAt = 'yesterday')),
      /Conversation 1 \(“Second conversation”\), message 1: the field “createdAt” must be a finite number \(it is "yesterday"\)/,
    ));
  test('a role Hearth does not have', () =>
    expectRefused(edited((backup) => (firstMessage(backup).role = 'admin')), /the field “role” must be one of system, user, assistant \(it is "admin"\)/));
  test('a field no record has', () => expectRefused(edited((backup) => (firstMessage(backup).onclick = 'alert(1)')), /the field “onclick” is not part of this format/));
  test('a message filed under another conversation', () =>
    expectRefused(edited((backup) => (firstMessage(backup).conversationId = 'elsewhere')), /the field “conversationId” names another conversation/));
  test('two messages with one id', () =>
    expectRefused(
      edited((backup) => {
        const [first, second] = conversations(backup)[0]?.messages ?? [];
        if (first && second) second.id = first.id;
      }),
      /message 2: the field “id” repeats/,
    ));
  test('a setting that does not exist', () =>
    expectRefused(edited((backup) => ((data(backup).settings as Json).apiKey = 'sk-1')), /Settings: the field “apiKey” is not a setting Hearth knows/));
  test('a limit of the wrong kind', () => expectRefused(edited((backup) => ((data(backup).limits as Json).burst = -5)), /Limits: the field “burst” must be a whole number/));
  test('documents of a conversation the backup does not have', () =>
    expectRefused(
      edited((backup) => {
        const [group] = data(backup).documents as Array<{ target: Json }>;
        if (group) group.target.id = 'missing';
      }),
      /names no conversation in this backup/,
    ));
  test('a chunk outside its document’s text', () =>
    expectRefused(
      edited((backup) => {
        const [group] = data(backup).documents as Array<{ documents: Array<{ spans: Json[] }> }>;
        const span = group?.documents[0]?.spans[0];
        if (span) span.end = 10_000;
      }),
      /runs from 0 to 10000, outside the 81 characters of the text/,
    ));
  test('a trace with a broken record', () =>
    expectRefused(
      edited((backup) => {
        const [trace] = (data(backup).traces as { traces: Json[] }).traces;
        if (trace) trace.startTime = 'soon';
      }),
      /^Traces: /,
    ));
});

test('an empty browser stays empty when a file is refused', async () => {
  const world = emptyWorld();
  const attempt = readBackup(new Blob([valid.slice(0, 100)])).then((parsed) => restoreBackup(world.repos, parsed));
  await expect(attempt).rejects.toThrow(BackupError);
  expect(Object.values(await dump(world)).flat()).toEqual([]);
});
