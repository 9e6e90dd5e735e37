/// <reference types="vite-plugin-pwa/vanillajs" />

declare module 'virtual:model-catalog' {
  /** WebLLM's prebuilt model list, trimmed at build time (see config/model-catalog.ts). */
  const records: import('../config/model-catalog').CatalogRecord[];
  export default records;
}
