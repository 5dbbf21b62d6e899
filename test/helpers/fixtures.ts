// Test access to the repository's fixtures/ folder (a copy of the shared fixture pack).
import { readFileSync } from 'node:fs';
import { bytesSource } from '../../gguf/source.ts';
import { readGguf, type GgufFile } from '../../gguf/reader.ts';
import { parseSafetensors, safetensorsToArray, type SafetensorsFile } from '../../gguf/safetensors.ts';

export function fixturePath(relative: string): string {
  return new URL(`../../fixtures/${relative}`, import.meta.url).pathname;
}

export function readFixture(relative: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(relative)));
}

export async function openGgufFixture(relative: string) {
  const source = bytesSource(readFixture(relative));
  const file: GgufFile = await readGguf(source);
  return { file, source };
}

export interface Reference {
  file: SafetensorsFile;
  metadata: Record<string, unknown>;
  /** A float32 tensor by name, following the pack's aliases. */
  f32(name: string): Float32Array;
  i32(name: string): Int32Array;
  u8(name: string): Uint8Array;
  has(name: string): boolean;
}

export function loadReference(relative: string): Reference {
  const file = parseSafetensors(readFixture(relative));
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(file.metadata)) {
    try { metadata[k] = JSON.parse(v); } catch { metadata[k] = v; }
  }
  const aliases = (metadata['pack.aliases'] ?? {}) as Record<string, string>;
  const get = (name: string) => {
    const t = file.tensors.get(name) ?? file.tensors.get(aliases[name]);
    if (!t) throw new Error(`reference ${relative} has no tensor ${name}`);
    return safetensorsToArray(t);
  };
  return {
    file,
    metadata,
    f32: (name) => get(name) as Float32Array,
    i32: (name) => get(name) as Int32Array,
    u8: (name) => get(name) as Uint8Array,
    has: (name) => file.tensors.has(name) || file.tensors.has(aliases[name]),
  };
}
