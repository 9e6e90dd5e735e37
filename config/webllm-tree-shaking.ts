/**
 * WebLLM ships one pre-bundled file in which three embedded libraries (TVM's runtime, the
 * tokenizers and XGrammar, about 6 MB together, most of it inlined WebAssembly) are set up by
 * top-level calls such as `var libExports = requireLib();`. A bundler must keep a call it cannot
 * prove free of side effects, so every chunk that imports anything from WebLLM carried all three.
 *
 * The calls only fill their own `exports` objects, so they are marked pure: a chunk that uses a
 * library keeps its call unchanged, and one that never touches it drops it. The page's worker
 * client, which only posts messages, goes from 6 MB to about 20 KB.
 *
 * The demo engine's worker runs WebLLM's real `WebWorkerMLCEngineHandler`, whose constructor
 * creates an `MLCEngine` that the demo replaces at once (scripted-host.ts). That one reference
 * would keep the whole runtime, so in the demo worker's build only, the handler starts with a
 * placeholder instead: the worker's script goes from 6 MB to the handler and the script.
 */
import type { Plugin } from 'vite';

const WEBLLM_BUNDLE = /[\\/]@mlc-ai[\\/]web-llm[\\/]lib[\\/]index\.js$/;
const LIBRARY_SETUP = /= (requireLib(?:\$\d+)?\(\));/g;
/** How many such calls WebLLM's bundle has; a different count means its layout changed. */
const EXPECTED_CALLS = 3;
const HANDLER_DEFAULT_ENGINE = /(class WebWorkerMLCEngineHandler \{[^}]*?constructor\(\) \{\s*this\.engine = )new MLCEngine\(\);/;
const PLACEHOLDER_ENGINE = '{ setInitProgressCallback() {} }; // Hearth demo worker: the script replaces it';

/** `demoWorker`: the demo worker's entry, whose build leaves out the handler's default engine. */
export function webllmTreeShaking(demoWorker?: RegExp): Plugin {
  let buildingDemoWorker = false;
  return {
    name: 'hearth-webllm-tree-shaking',
    options(options) {
      const input = options.input;
      const entries = typeof input === 'string' ? [input] : Array.isArray(input) ? input : Object.values(input ?? {});
      buildingDemoWorker = demoWorker !== undefined && entries.some((entry) => demoWorker.test(entry));
    },
    transform(code, id) {
      if (!WEBLLM_BUNDLE.test(id)) return undefined;
      const calls = code.match(LIBRARY_SETUP)?.length ?? 0;
      if (calls !== EXPECTED_CALLS) {
        this.warn(`WebLLM's bundle has ${calls} library set-up calls where ${EXPECTED_CALLS} were expected: nothing of it is tree-shaken.`);
        return undefined;
      }
      let shaken = code.replace(LIBRARY_SETUP, '= /* @__PURE__ */ $1;');
      if (buildingDemoWorker) {
        if (!HANDLER_DEFAULT_ENGINE.test(shaken)) this.error("WebLLM's worker handler no longer creates its engine as expected; the demo worker build needs updating.");
        shaken = shaken.replace(HANDLER_DEFAULT_ENGINE, `$1${PLACEHOLDER_ENGINE}`);
      }
      return { code: shaken, map: null };
    },
  };
}
