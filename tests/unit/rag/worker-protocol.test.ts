import { describe, expect, test } from 'vitest';
import type { RagApi } from '../../../src/lib/rag/api';
import { RagClient } from '../../../src/lib/rag/client';
import { RagError } from '../../../src/lib/rag/errors';
import { createRagHost } from '../../../src/lib/rag/index-host';
import type { FromIndexWorker } from '../../../src/lib/rag/protocol';
import { RagRepository } from '../../../src/lib/rag/repository';
import { RagService } from '../../../src/lib/rag/service';
import type { IndexProgress } from '../../../src/lib/rag/types';
import { freshStore } from '../helpers';
import { CORPUS } from './corpus';
import { CONVERSATION, ragFile } from './fixtures';
import { LoopbackWorker } from './loopback-worker';
import { loadLegacyPdfJs } from './pdfjs-node';

const newService = (): RagService => new RagService({ repository: new RagRepository(freshStore('rag')), loadPdfJs: loadLegacyPdfJs });

function connect(api: RagApi = newService()) {
  const workers: LoopbackWorker[] = [];
  const client = new RagClient(() => {
    const worker = new LoopbackWorker((post) => createRagHost(post as (message: FromIndexWorker) => void, api));
    workers.push(worker);
    return worker.asWorker();
  });
  return { client, workers };
}

describe('index host (no worker)', () => {
  test('every request ends in one result or one error object, with its id; junk is ignored', async () => {
    const sent: FromIndexWorker[] = [];
    const host = createRagHost((message) => sent.push(message), newService());
    await host.receive({ type: 'request', id: 1, method: 'collections', params: {} });
    await host.receive({ type: 'request', id: 2, method: 'openDocument', params: { target: CONVERSATION, docId: 'nope' } });
    await host.receive({ type: 'request', id: 3, method: 'dropDatabase', params: {} });
    await host.receive('hello');
    expect(sent).toEqual([
      { type: 'result', id: 1, method: 'collections', result: [] },
      { type: 'error', id: 2, error: { code: 'not-found', message: 'This document is no longer in the library.', fileName: undefined } },
    ]);
  });
});

describe('RagClient ↔ index host', () => {
  test('add with progress, then search, across the boundary', async () => {
    const { client, workers } = connect();
    const progress: IndexProgress[] = [];
    const result = await client.add(CONVERSATION, [ragFile('trails.md', CORPUS['hiking-trails.md']!), ragFile('bad.exe', 'MZ')], {
      onProgress: (event) => progress.push(event),
    });
    expect(result.added.map((document) => document.name)).toEqual(['trails.md']);
    expect(result.failed).toEqual([expect.objectContaining({ code: 'unsupported-type', fileName: 'bad.exe' })]);
    expect(progress.length).toBeGreaterThan(3);
    const [hit] = await client.search([CONVERSATION], 'bear canister', 1);
    expect(hit!.chunk.headingPath).toEqual(['Pine Valley trails', 'Wildlife']);
    expect(workers).toHaveLength(1);
  });

  test('failures arrive as RagErrors with their code', async () => {
    const { client } = connect();
    const error = await client.openDocument(CONVERSATION, 'missing').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RagError);
    expect((error as RagError).code).toBe('not-found');
  });

  test('cancel by id: the worker stops and the call fails with "cancelled"; nothing is stored', async () => {
    const { client, workers } = connect();
    const controller = new AbortController();
    const adding = client.add(CONVERSATION, Object.entries(CORPUS).map(([name, text]) => ragFile(name, text)), {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.phase === 'chunking') controller.abort();
      },
    });
    await expect(adding).rejects.toMatchObject({ code: 'cancelled' });
    expect(workers[0]!.received).toContainEqual({ type: 'cancel', id: 1 });
    expect(await client.documents(CONVERSATION)).toEqual([]);
  });

  test('a crashed worker fails the calls in flight; the next call starts a new worker', async () => {
    // A service whose `collections` never answers, as if the worker were stuck in it.
    const hanging = new Proxy(newService(), {
      get(target, property) {
        if (property === 'collections') return () => new Promise(() => {});
        const value: unknown = Reflect.get(target, property, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const { client, workers } = connect(hanging);
    const pending = client.collections();
    await new Promise((resolve) => setTimeout(resolve, 5));
    workers[0]!.crash('out of memory');
    await expect(pending).rejects.toMatchObject({ code: 'worker-crashed', message: expect.stringMatching(/out of memory/) });
    await expect(client.documents(CONVERSATION)).resolves.toEqual([]);
    expect(workers).toHaveLength(2);
  });
});
