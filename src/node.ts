// The Node entry point: everything the runtime-agnostic entry has, plus what needs Node — file
// sources that read models on demand, and worker_threads for the wasm backend's thread pool.

import { open } from 'node:fs/promises';
import { checkRange, type ByteSource } from '../gguf/source.ts';
import { registerWorkerStarter } from './backend/wasm/thread-pool.ts';
import { startNodeWorker } from './node-worker-threads.ts';

export * from './index.ts';

registerWorkerStarter(startNodeWorker);

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
