// The backends every network parity suite runs on. Importing the Node entry registers
// worker_threads for the wasm backend's thread pool.
import '../../src/node.ts';
import type { Backend } from '../../src/backend/backend.ts';
import { ReferenceBackend } from '../../src/backend/reference/reference-backend.ts';
import { createWasmBackend } from '../../src/backend/wasm/index.ts';

export const BACKENDS: { name: string; create: () => Promise<Backend> }[] = [
  { name: 'reference', create: async () => new ReferenceBackend() },
  { name: 'wasm, 2 threads', create: () => createWasmBackend({ threads: 2 }) },
];
