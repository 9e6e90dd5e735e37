/**
 * The key never reaches an export: not the trace export (JSON or OTLP), whatever a trace of a
 * remote generation might hold, nor the templates-and-personas export.
 */
import { describe, expect, test } from 'vitest';
import { httpError } from '../../../src/lib/engine/remote-errors';
import { exportTraces } from '../../../src/lib/observe/exchange';
import { toOtlp } from '../../../src/lib/observe/otlp';
import { exportPrompts } from '../../../src/lib/prompts/transfer';
import { makeTrace } from '../observe/fakes';

const KEY = 'sk-hearth-e2e-9fK2mQ7xV4bN8cL1pR6tY3wZ5';

describe('exports never carry the API key', () => {
  test('a remote generation’s trace, with the key wherever it could stray, exports without it', () => {
    // The error the engine raised after the server echoed the key back: already scrubbed.
    const refused = httpError(401, { stage: 'chat', apiBase: 'http://localhost:8000/v1', model: 'm', hasKey: true, apiKey: KEY }, `{"error":{"message":"bad key ${KEY}"}}`, null, 0);
    expect(refused.message).not.toContain(KEY);
    const base = makeTrace({ id: 1 });
    const trace = {
      ...base,
      attributes: { ...base.attributes, 'hearth.engine': 'remote', 'remote.api_key': KEY, 'http.request.header.authorization': `Bearer ${KEY}` },
      prompt: `My key is ${KEY}, keep it safe`,
      completion: `Authorization: Bearer ${KEY}`,
      error: { code: 'unauthorized', message: `${refused.message} (sent Bearer ${KEY})` },
    };
    for (const redactPii of [false, true]) {
      const exported = JSON.stringify(exportTraces([trace], { redactPii }));
      expect(exported).not.toContain(KEY);
      expect(exported).toContain('hearth.engine');
      expect(JSON.stringify(toOtlp(exportTraces([trace], { redactPii }).traces))).not.toContain(KEY);
    }
  });

  test('the templates-and-personas export holds templates and personas only', () => {
    const exported = JSON.stringify(exportPrompts([], [], new Date(0)));
    expect(Object.keys(JSON.parse(exported) as object).sort()).toEqual(['exportedAt', 'format', 'personas', 'templates', 'version']);
  });
});
