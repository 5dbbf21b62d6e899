// Opening a model file with messages that name the path and the problem.
import { statSync } from 'node:fs';
import { fileSource } from '../node.ts';
import { readGguf } from '../../gguf/reader.ts';
import { describeModel } from '../model/describe.ts';
import type { ModelInfo } from '../types.ts';
import { downloadHubFile } from '../hub/hub-node.ts';
import { describeFsError } from './fs-error.ts';
import { startProgress } from './progress.ts';

async function downloadFromHub(spec: string): Promise<string> {
  const progress = startProgress(`downloading ${spec}`);
  try {
    return await downloadHubFile(spec, { onProgress: (done, total) => progress.update(done, total) });
  } finally {
    progress.end();
  }
}

export type ModelSource = Awaited<ReturnType<typeof fileSource>>;

export async function openModelFile(spec: string): Promise<ModelSource> {
  // hf:<owner>/<repo>/<path>[@revision]: downloaded into the shared hub cache first.
  const path = spec.startsWith('hf:') ? await downloadFromHub(spec) : spec;
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (e) {
    throw new Error(`cannot open model ${path}: ${describeFsError(e)}`);
  }
  if (!isFile) throw new Error(`cannot open model ${path}: not a regular file`);
  try {
    return await fileSource(path);
  } catch (e) {
    throw new Error(`cannot open model ${path}: ${describeFsError(e)}`);
  }
}

/** Runs `use` with the open model file and always closes it. */
export async function withModelFile<T>(path: string, use: (source: ModelSource) => Promise<T>): Promise<T> {
  const source = await openModelFile(path);
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}

/** The model's description from its GGUF header (no weights are read). */
export async function describeModelFile(path: string, source: ModelSource): Promise<ModelInfo> {
  let file;
  try {
    file = await readGguf(source);
  } catch (e) {
    throw new Error(`cannot read model ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    return describeModel(file);
  } catch (e) {
    throw new Error(`unsupported model ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
}
