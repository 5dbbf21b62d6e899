// The Node entry point: everything the runtime-agnostic entry has, plus what needs Node — file
// sources that read models on demand, and worker_threads for the wasm backend's thread pool.

import { open } from 'node:fs/promises';
import { checkRange, type ByteSource } from '../gguf/source.ts';
import { registerWorkerStarter } from './backend/wasm/thread-pool.ts';
import { registerGpuProvider } from './backend/webgpu/gpu-source.ts';
import { startNodeWorker } from './node-worker-threads.ts';
import { downloadHubFile, type HubDownloadOptions } from './hub/hub-node.ts';

export * from './index.ts';
export { downloadHubFile, type HubDownloadOptions } from './hub/hub-node.ts';

registerWorkerStarter(startNodeWorker);
registerGpuProvider(nodeGpu);

let dawn: Promise<GPU | undefined> | undefined;
/**
 * WebGPU in Node comes from the optional `webgpu` package (Dawn), imported on first use only;
 * without it the webgpu backend reports that no WebGPU is available.
 */
function nodeGpu(): Promise<GPU | undefined> {
  dawn ??= (async () => {
    const name = 'webgpu'; // not a static import: the package is optional
    let mod: { create(flags: string[]): GPU };
    try {
      mod = await import(name);
    } catch {
      return undefined;
    }
    return mod.create([]);
  })();
  return dawn;
}

/** Largest single fs read; Node rejects reads of 2 GiB or more in one call. */
const MAX_READ = 1 << 30;

/**
 * A byte source over a file, read on demand through one open file handle (models can be several
 * GB, so nothing is read until asked for). Call close() when done.
 */
export async function fileSource(path: string): Promise<ByteSource & { close(): Promise<void> }> {
  const handle = await open(path, 'r');
  let size: number;
  try {
    size = (await handle.stat()).size;
  } catch (e) {
    await handle.close();
    throw e;
  }
  return {
    size,
    async read(offset, length) {
      const out = new Uint8Array(length);
      await readInto(offset, out);
      return out;
    },
    readInto,
    close: () => handle.close(),
  };

  // Reads straight into the caller's memory (e.g. a wasm heap view): no intermediate buffer.
  async function readInto(offset: number, target: Uint8Array): Promise<void> {
    const length = target.byteLength;
    checkRange(offset, length, size);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(target, done, Math.min(length - done, MAX_READ), offset + done);
      if (bytesRead === 0) throw new Error(`fileSource: ${path} ended at byte ${offset + done}, expected ${size} bytes (file changed while open?)`);
      done += bytesRead;
    }
  }
}

/**
 * A model on the Hugging Face hub (`<owner>/<repo>/<path.gguf>[@revision]`), downloaded into the
 * huggingface_hub cache when not there yet (see hub/hub-node.ts), then read on demand.
 */
export async function hubSource(spec: string, options: HubDownloadOptions = {}): Promise<ByteSource & { close(): Promise<void>; path: string }> {
  const path = await downloadHubFile(spec, options);
  return { ...(await fileSource(path)), path };
}
