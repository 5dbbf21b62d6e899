// The models a server offers: every .gguf file under the --models paths (folders searched
// recursively), named by file name without `.gguf`, described from the GGUF header alone.
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { readGguf } from '../../gguf/reader.ts';
import { describeModel } from '../model/describe.ts';
import { fileSource } from '../node.ts';
import type { ModelInfo } from '../types.ts';

export interface CatalogModel {
  id: string;
  path: string;
  bytes: number;
  info: ModelInfo;
  /** The weights' storage type: the most common tensor type other than F32, else "f32". */
  quant: string;
}

function ggufFilesIn(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch (e) {
    throw new Error(`--models ${path}: ${e instanceof Error && 'code' in e ? String(e.code) : String(e)}`);
  }
  if (stat.isFile()) {
    if (!path.endsWith('.gguf')) throw new Error(`--models ${path}: not a .gguf file`);
    return [resolve(path)];
  }
  const entries = readdirSync(path, { recursive: true, encoding: 'utf8' });
  return entries.filter((name) => name.endsWith('.gguf')).map((name) => resolve(join(path, name))).filter((file) => statSync(file).isFile()).sort();
}

function storageType(tensorTypes: Record<string, number>): string {
  const quantized = Object.entries(tensorTypes).filter(([type]) => type !== 'F32').sort((a, b) => b[1] - a[1]);
  return (quantized[0]?.[0] ?? 'F32').toLowerCase();
}

async function describeFile(path: string): Promise<{ info: ModelInfo; bytes: number }> {
  const source = await fileSource(path);
  try {
    return { info: describeModel(await readGguf(source)), bytes: source.size };
  } catch (e) {
    throw new Error(`--models: cannot read ${path}: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await source.close();
  }
}

/** Scans the paths; two files with the same name (model id) are an error, not a silent pick. */
export async function scanModels(paths: readonly string[]): Promise<Map<string, CatalogModel>> {
  const catalog = new Map<string, CatalogModel>();
  for (const path of [...new Set(paths.flatMap(ggufFilesIn))]) {
    const id = basename(path, '.gguf');
    const other = catalog.get(id);
    if (other) throw new Error(`--models: two models named "${id}": ${other.path} and ${path} (model ids are file names without .gguf; rename one)`);
    const { info, bytes } = await describeFile(path);
    catalog.set(id, { id, path, bytes, info, quant: storageType(info.tensorTypes) });
  }
  if (catalog.size === 0) throw new Error(`--models ${paths.join(' ')}: no .gguf files found`);
  return catalog;
}
