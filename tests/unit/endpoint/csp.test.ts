import { JSDOM } from 'jsdom';
import { describe, expect, test } from 'vitest';
import { contentSecurityPolicy, endpointConnectPolicy } from '../../../config/csp';
import { ORIGIN_MIRROR_KEY, allowedEndpointOrigin, applyEndpointPolicy, cleanOrigin, readMirroredOrigin } from '../../../src/lib/endpoint/csp';

const storage = (value: string | null) => ({ getItem: (key: string) => (key === ORIGIN_MIRROR_KEY ? value : null) });
const connectSrc = (policy: string) => policy.split('; ').find((directive) => directive.startsWith('connect-src'));

describe('the endpoint CSP', () => {
  test('the static policy lets connect-src reach https and this computer; the runtime one narrows to one origin', () => {
    const built = contentSecurityPolicy('build');
    expect(connectSrc(built)).toContain("'self' https://huggingface.co");
    expect(connectSrc(built)).toMatch(/ https: http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\*$/);
    expect(endpointConnectPolicy(built, 'http://127.0.0.1:11434')).toBe(
      "connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co https://raw.githubusercontent.com http://127.0.0.1:11434",
    );
    expect(endpointConnectPolicy(built, null)).not.toMatch(/https:(\s|$)|127\.0\.0\.1/);
    // Whatever else the page's policy allows stays allowed: the dev server's websocket.
    expect(endpointConnectPolicy(contentSecurityPolicy('serve'), null)).toMatch(/ ws: wss:$/);
    // Without a static policy (never in a build), the build's sources are the base.
    expect(endpointConnectPolicy(null, 'https://gpu.example')).toBe(endpointConnectPolicy(built, 'https://gpu.example'));
  });

  test('only a bare http(s) origin goes into the policy: nothing that could add sources or directives', () => {
    expect(cleanOrigin('https://gpu.example.org')).toBe('https://gpu.example.org');
    expect(cleanOrigin('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    for (const bad of ['https://a.example https://evil.example', "https://a.example; script-src 'unsafe-inline'", 'https://a.example/v1', 'javascript:alert(1)', '*', 'https://[::1]:8080', '', 42]) {
      expect(cleanOrigin(bad)).toBeNull();
    }
    expect(readMirroredOrigin(storage('https://a.example;connect-src *'))).toBeNull();
    expect(readMirroredOrigin({ getItem: () => { throw new Error('SecurityError'); } })).toBeNull();
  });

  test('the narrowing policy is a meta element in <head>, and the allowed origin is remembered', () => {
    const { window } = new JSDOM(`<!doctype html><head><meta http-equiv="Content-Security-Policy" content="${contentSecurityPolicy('build')}"></head><body></body>`);
    expect(applyEndpointPolicy(window.document, storage('http://localhost:11434'))).toBe('http://localhost:11434');
    const metas = window.document.head.querySelectorAll('meta[http-equiv="Content-Security-Policy"]');
    expect(metas).toHaveLength(2);
    expect(metas[1]?.getAttribute('content')).toMatch(/^connect-src 'self' https:\/\/huggingface\.co .* http:\/\/localhost:11434$/);
    expect(allowedEndpointOrigin()).toBe('http://localhost:11434');
  });
});
