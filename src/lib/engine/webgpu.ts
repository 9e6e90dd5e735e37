import type { DeviceProfile } from './models';

/** Whether this browser can run WebLLM, and if not, why — in words a user can act on. */
export type WebGPUSupport =
  | { ok: true; adapter: GPUAdapter }
  | { ok: false; reason: 'insecure-context' | 'no-api' | 'no-adapter'; message: string };

export async function probeWebGPU(nav: Navigator = navigator, secure: boolean = globalThis.isSecureContext): Promise<WebGPUSupport> {
  if (!secure) {
    return {
      ok: false,
      reason: 'insecure-context',
      message: 'WebGPU only works on secure pages. Open Hearth over https:// or from localhost.',
    };
  }
  if (!('gpu' in nav) || !nav.gpu) {
    return {
      ok: false,
      reason: 'no-api',
      message:
        'This browser does not support WebGPU. Use a recent Chrome, Edge or another Chromium browser (version 113 or newer), ' +
        'Safari 26, or Firefox 141 on Windows.',
    };
  }
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await nav.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch {
    adapter = null;
  }
  if (!adapter) {
    return {
      ok: false,
      reason: 'no-adapter',
      message:
        'WebGPU is available, but no graphics adapter was offered. Hardware acceleration may be switched off, ' +
        'the GPU may be blocklisted, or you may be in a virtual machine. Enable hardware acceleration in the browser settings, ' +
        'or check chrome://gpu.',
    };
  }
  return { ok: true, adapter };
}

/** The demo engine pretends to run on a typical laptop, whatever this device has. */
export const SIMULATED_DEVICE: DeviceProfile = {
  webgpu: true,
  shaderF16: true,
  maxBufferSize: 2 ** 31,
  maxStorageBufferBindingSize: 2 ** 30,
  deviceMemoryGB: 8,
  simulated: true,
};

/** What the model picker needs to know about this device. */
export function deviceProfile(adapter: GPUAdapter | null, nav: Navigator | undefined = globalThis.navigator): DeviceProfile {
  // `deviceMemory` is Chromium-only and not in the DOM typings.
  const memory = (nav as (Navigator & { deviceMemory?: number }) | undefined)?.deviceMemory;
  const deviceMemoryGB = typeof memory === 'number' && memory > 0 ? memory : null;
  if (!adapter) {
    return { webgpu: false, shaderF16: false, maxBufferSize: 0, maxStorageBufferBindingSize: 0, deviceMemoryGB, simulated: false };
  }
  return {
    webgpu: true,
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
    deviceMemoryGB,
    simulated: false,
  };
}
