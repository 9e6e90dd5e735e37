import { JSDOM } from 'jsdom';
import { describe, expect, test } from 'vitest';
import { contentSecurityPolicy, endpointConnectPolicy } from '../../../config/csp';
import { ORIGIN_MIRROR_KEY, allowedEndpointOrigin, applyEndpointPolicy, cleanOrigin, readMirroredOrigin } from '../../../src/lib/endpoint/csp';

const storage = (value: string | null) => ({ getItem: (key: string) => (key === ORIGIN_MIRROR_KEY ? value : null) });
const connectSrc = (policy: string) => policy.split('; ').find((directive) => directive.startsWith('connect-src'));

describe('the endpoint CSP', () => {
  test('the static policy lets connect-src reach https and this computer; the runtime one narrows to one origin', () => {
    expect(connectSrc(contentSecurityPolicy('build'))).toContain("'self' https://huggingface.co");
    expect(connectSrc(contentSecurityPolicy('build'))).toMatch(/ https: http:\/\/localhost:\* http:\/\/127\.0\.0\.1:\*$/);
    expect(endpointConnectPolicy('http://127.0.0.1:11434', 'build')).toBe(
      "connect-src 'self' https://huggingface.co https://*.huggingface.co https://*.hf.co https://raw.githubusercontent.com http://127.0.0.1:11434",
    );
    expect(endpointConnectPolicy(null, 'build')).not.toMatch(/https:(\s|$)|127\.0\.0\.1/);
    expect(endpointConnectPolicy(null, 'serve')).toMatch(/ ws: wss:$/);
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
    const { window } = new JSDOM('<!doctype html><head></head><body></body>');
    expect(applyEndpointPolicy(window.document, storage('http://localhost:11434'), 'build')).toBe('http://localhost:11434');
    const meta = window.document.head.querySelector('meta[http-equiv="Content-Security-Policy"]');
    expect(meta?.getAttribute('content')).toMatch(/^connect-src 'self' .* http:\/\/localhost:11434$/);
    expect(allowedEndpointOrigin()).toBe('http://localhost:11434');
  });
});
