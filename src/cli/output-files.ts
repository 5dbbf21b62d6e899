// Output files are all-or-nothing: every path is checked before the model runs, and each file
// is written to a temporary name in its own directory, then renamed into place, so a failure
// never leaves a partial or truncated output behind.
import { closeSync, mkdirSync, openSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { describeFsError } from './fs-error.ts';

export interface OutputFile {
  /** The flag that named it, for error messages (e.g. "--png"). */
  flag: string;
  path: string;
}

/** A fresh hidden name next to `path`, in the same directory so the final rename is atomic. */
export function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** True when both paths name the same file (also through symlinks or hard links). */
function isSameFile(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    const sa = statSync(a);
    const sb = statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false; // one of them does not exist yet
  }
}

/** Creates and removes a scratch file next to `output`: the only reliable writability test. */
function probeWritable(output: OutputFile): void {
  let existing;
  try {
    existing = statSync(output.path);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) throw new Error(`cannot write ${output.flag} output ${output.path}: is a directory`);
  const probe = temporaryPath(output.path);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    throw new Error(`cannot write ${output.flag} output ${output.path}: ${describeFsError(e)}`);
  }
}

/**
 * Rejects outputs that would overwrite an input or each other, and outputs whose directory
 * cannot be written. Call before doing any expensive work.
 */
export function checkOutputs(outputs: readonly OutputFile[], inputs: readonly OutputFile[]): void {
  for (const [i, output] of outputs.entries()) {
    for (const input of inputs) {
      if (isSameFile(output.path, input.path)) {
        throw new Error(`${output.flag} output ${output.path} is the ${input.flag} file; refusing to overwrite it`);
      }
    }
    for (const other of outputs.slice(0, i)) {
      if (isSameFile(output.path, other.path)) {
        throw new Error(`${other.flag} and ${output.flag} name the same file ${output.path}`);
      }
    }
    probeWritable(output);
  }
}

/**
 * Makes sure the output directory `dir` exists, creating it and any missing parents. Returns an
 * undo that removes the directories it created (only while they are still empty), for a run that
 * fails before its files are in place.
 */
export function prepareOutputDirectory(flag: string, dir: string): () => void {
  let existing;
  try {
    existing = statSync(dir);
  } catch {
    existing = undefined;
  }
  if (existing) {
    if (!existing.isDirectory()) throw new Error(`cannot write ${flag} output ${dir}: not a directory`);
    return () => {};
  }
  let created: string | undefined;
  try {
    created = mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new Error(`cannot create ${flag} directory ${dir}: ${describeFsError(e)}`);
  }
  const first = resolve(created ?? dir);
  return () => {
    // From the innermost new directory up to the first one created; a directory that is no
    // longer empty (someone else's files) stops the walk.
    for (let d = resolve(dir); ; d = dirname(d)) {
      try {
        rmdirSync(d);
      } catch {
        return;
      }
      if (d === first || dirname(d) === d) return;
    }
  };
}

/** Stages every file under a temporary name and renames only once all are written, so a write error (disk full, …) leaves no output at all. */
export function writeOutputs(files: ReadonlyArray<OutputFile & { bytes: Uint8Array | string }>): void {
  const staged: { temporary: string; file: OutputFile }[] = [];
  try {
    for (const file of files) {
      const temporary = temporaryPath(file.path);
      try {
        writeFileSync(temporary, file.bytes, { flag: 'wx' });
      } catch (e) {
        throw new Error(`cannot write ${file.flag} output ${file.path}: ${describeFsError(e)}`);
      } finally {
        staged.push({ temporary, file });
      }
    }
    while (staged.length > 0) {
      const { temporary, file } = staged[0]!;
      try {
        renameSync(temporary, file.path);
      } catch (e) {
        throw new Error(`cannot write ${file.flag} output ${file.path}: ${describeFsError(e)}`);
      }
      staged.shift();
    }
  } finally {
    for (const { temporary } of staged) {
      try {
        unlinkSync(temporary);
      } catch {
        // never created, or already gone
      }
    }
  }
}
