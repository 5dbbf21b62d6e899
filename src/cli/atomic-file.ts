// Writes a file all or nothing: chunks go to a temporary name next to the target, renamed into
// place only when every chunk is written, so an interrupted or failed run never leaves a
// truncated model behind.
import { open, rename, stat, unlink } from 'node:fs/promises';
import { describeFsError } from './fs-error.ts';
import { temporaryPath } from './output-files.ts';

/** Streams `chunks` to `path`; resolves to the bytes written. `what` names the path in errors ("--out"). */
export async function writeFileAtomically(path: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, what: string): Promise<number> {
  const fail = (e: unknown): never => {
    throw new Error(`cannot write ${what} ${path}: ${describeFsError(e)}`);
  };
  // Checked up front: rename would only find out after the whole file was produced.
  if ((await stat(path).catch(() => undefined))?.isDirectory()) throw new Error(`cannot write ${what} ${path}: is a directory`);
  const temporary = temporaryPath(path);
  const handle = await open(temporary, 'wx').catch(fail);
  let size = 0;
  try {
    for await (const chunk of chunks) {
      await handle.write(chunk).catch(fail);
      size += chunk.byteLength;
    }
    await handle.close().catch(fail);
    await rename(temporary, path).catch(fail);
    return size;
  } catch (e) {
    await handle.close().catch(() => {}); // already closed after a failed rename
    await unlink(temporary).catch(() => {});
    throw e;
  }
}
