/**
 * The scripted demo engine behind WebLLM's real worker handler: the page uses the same
 * `WebWorkerMLCEngine` client and message protocol as for a real model.
 */
import { createScriptedHost } from './scripted-host';

const host = createScriptedHost((message) => self.postMessage(message));
self.onmessage = (event: MessageEvent) => host.receive(event);
