// Creating the wasm memory and instantiating the kernel module on it.
import type { KernelExports } from './kernel-exports.ts';

const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit
export const MAX_HEAP_BYTES = MAX_PAGES * 65536;
const FALLBACK_MAX_PAGES = 16384; // 1 GiB, where 4 GiB of address space cannot be reserved

export function sharedMemorySupported(): boolean {
  return typeof SharedArrayBuffer === 'function';
}

function createMemory(shared: boolean): WebAssembly.Memory {
  if (!shared) return new WebAssembly.Memory({ initial: 2 });
  try {
    return new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return new WebAssembly.Memory({ initial: 2, maximum: FALLBACK_MAX_PAGES, shared: true });
  }
}

export interface KernelInstance {
  memory: WebAssembly.Memory;
  exports: KernelExports;
  shared: boolean;
}

/**
 * Instantiates `module` on a new memory, shared if asked and possible. A caller-supplied module
 * may be either build: when it rejects a shared memory (LinkError) it gets an unshared one.
 * Asynchronous because browsers refuse large synchronous instantiation on the main thread.
 */
export async function instantiateKernels(module: WebAssembly.Module, shared: boolean): Promise<KernelInstance> {
  if (shared) {
    const memory = createMemory(true);
    try {
      const instance = await WebAssembly.instantiate(module, { env: { memory } });
      return { memory, exports: instance.exports as unknown as KernelExports, shared: true };
    } catch (error) {
      if (!(error instanceof WebAssembly.LinkError)) throw error;
    }
  }
  const memory = createMemory(false);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return { memory, exports: instance.exports as unknown as KernelExports, shared: false };
}
