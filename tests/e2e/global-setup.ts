/**
 * Builds the app once and serves it with `vite preview`, as a user's static host would, plus a
 * second server of the same build with COOP/COEP headers (a cross-origin isolated page, where
 * llama.cpp may use threads). Test models are written next to the app, so they can be
 * downloaded same-origin. Tests read the addresses with `inject(...)`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { makeTinyGguf, malformedGgufFiles } from '../fixtures/tiny-gguf';

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
    isolatedBaseURL: string;
  }
}

const servers: PreviewServer[] = [];

async function serve(root: string, headers: Record<string, string> = {}): Promise<string> {
  const server = await preview({ root, logLevel: 'warn', preview: { port: 0, host: '127.0.0.1', strictPort: false, headers } });
  servers.push(server);
  const address = server.httpServer.address() as AddressInfo;
  return `http://127.0.0.1:${address.port}/`;
}

export async function setup(project: TestProject): Promise<void> {
  const root = project.config.root;
  await build({ root, logLevel: 'error' });
  const fixtures = join(root, 'dist', 'fixtures');
  await mkdir(fixtures, { recursive: true });
  await writeFile(join(fixtures, 'tiny.gguf'), makeTinyGguf());
  for (const [name, bytes] of Object.entries(malformedGgufFiles())) await writeFile(join(fixtures, name), bytes);
  project.provide('baseURL', await serve(root));
  project.provide(
    'isolatedBaseURL',
    await serve(root, { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' }),
  );
}

export async function teardown(): Promise<void> {
  await Promise.all(servers.map((server) => server.close()));
}
