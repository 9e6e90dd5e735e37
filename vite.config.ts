import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { contentSecurityPolicy } from './config/csp.ts';
import { modelCatalog } from './config/model-catalog.ts';
import { pwaOptions } from './config/pwa.ts';
import { webllmTreeShaking } from './config/webllm-tree-shaking.ts';

function csp(): Plugin {
  let mode: 'build' | 'serve' = 'build';
  return {
    name: 'hearth-csp',
    configResolved(config) {
      mode = config.command;
    },
    transformIndexHtml(html) {
      return html.replaceAll('%HEARTH_CSP%', contentSecurityPolicy(mode));
    },
  };
}

export default defineConfig({
  // Relative base: the build runs from any sub-path of any static host.
  base: './',
  plugins: [svelte(), csp(), modelCatalog(), webllmTreeShaking(), VitePWA(pwaOptions)],
  worker: { format: 'es', plugins: () => [modelCatalog(), webllmTreeShaking(/[\\/]scripted-worker\.ts$/)] },
  build: {
    target: 'es2022',
    // WebLLM's worker chunk is large by nature; it loads only when a model is loaded.
    chunkSizeWarningLimit: 8000,
  },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
