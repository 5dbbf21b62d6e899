// The backends every network parity suite runs on. Importing the Node entry registers
// worker_threads for the wasm backend's thread pool and Dawn for the webgpu backend, which joins
// the list when this machine has a WebGPU adapter (CI: Mesa lavapipe, required there).
import '../../src/node.ts';
import type { Backend } from '../../src/backend/backend.ts';
import { ReferenceBackend } from '../../src/backend/reference/reference-backend.ts';
import { createWasmBackend } from '../../src/backend/wasm/index.ts';
import { createWebGpuBackend } from '../../src/backend/webgpu/index.ts';
import { WEBGPU_AVAILABLE } from './webgpu.ts';

export const BACKENDS: { name: string; create: () => Promise<Backend> }[] = [
  { name: 'reference', create: async () => new ReferenceBackend() },
  { name: 'wasm, 2 threads', create: () => createWasmBackend({ threads: 2 }) },
  ...(WEBGPU_AVAILABLE ? [{ name: 'webgpu', create: () => createWebGpuBackend() }] : []),
];

/** The backends meant for real use (every one but the slow reference): suites too heavy to also run on the reference. */
export const FAST_BACKENDS = BACKENDS.filter((b) => b.name !== 'reference');
