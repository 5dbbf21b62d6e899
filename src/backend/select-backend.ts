// Backends by name, and `auto`: WebGPU on a hardware adapter, otherwise wasm. Software adapters
// (lavapipe, SwiftShader, WARP: `isFallbackAdapter`) are never chosen by `auto`, only when asked
// for, and the reason for a wasm fallback is kept so that it is never silent.
import type { Backend } from './backend.ts';
import { ReferenceBackend } from './reference/reference-backend.ts';
import { createWasmBackend } from './wasm/index.ts';
import { adapterIsFallback, createWebGpuBackend, describeAdapterInfo, requestAdapter } from './webgpu/index.ts';

export const BACKEND_NAMES = ['auto', 'wasm', 'webgpu', 'reference'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export interface BackendChoice {
  /** Threads for the wasm backend (default: all cores where workers are available). */
  threads?: number;
  /** A precompiled kernel module for the wasm backend (runtimes that refuse to compile bytes). */
  wasmModule?: WebAssembly.Module;
  /** A caller's GPUDevice for the webgpu backend (used as is, never destroyed by the backend). */
  device?: GPUDevice;
  /** webgpu only: 'f16' stores linear weights as halves (see WebGpuBackendOptions). */
  weightPrecision?: 'f32' | 'f16';
}

export interface SelectedBackend {
  backend: Backend;
  /** Why `auto` did not pick WebGPU, when it did not. */
  note?: string;
}

export async function createBackendByName(name: string, options: BackendChoice = {}): Promise<SelectedBackend> {
  const wasm = () => createWasmBackend({ threads: options.threads, module: options.wasmModule });
  const gpuOptions = { device: options.device, weightPrecision: options.weightPrecision };
  const f16 = options.weightPrecision === 'f16';
  if (f16 && (name === 'wasm' || name === 'reference')) throw new Error(`f16 weights are a webgpu option; the ${name} backend computes with f32 weights`);
  /** auto fell back to wasm: say why, and that f16 weights do not apply there. */
  const fallback = async (why: string): Promise<SelectedBackend> => ({ backend: await wasm(), note: f16 ? `${why}; f16 weights apply to webgpu only` : why });
  switch (name) {
    case 'reference': return { backend: new ReferenceBackend() };
    case 'wasm': return { backend: await wasm() };
    case 'webgpu': return { backend: await createWebGpuBackend(gpuOptions) };
    case 'auto': {
      if (options.device) return { backend: await createWebGpuBackend(gpuOptions) };
      let adapter: GPUAdapter | null = null;
      try {
        adapter = await requestAdapter();
      } catch (e) {
        return fallback(`no WebGPU adapter (${(e as Error).message})`);
      }
      if (!adapter) return fallback('no WebGPU adapter');
      if (adapterIsFallback(adapter)) return fallback(`software WebGPU adapter skipped: ${describeAdapterInfo(adapter.info)}`);
      try {
        return { backend: await createWebGpuBackend({ ...gpuOptions, adapter }) };
      } catch (e) {
        return fallback(`WebGPU failed to start: ${(e as Error).message}`);
      }
    }
    default: throw new Error(`unknown backend '${name}' (available: ${BACKEND_NAMES.join(', ')})`);
  }
}
