// A strict reader for the GLB files the exporter writes (glTF 2.0 binary, one buffer): checks the
// container while parsing and returns the JSON, the BIN chunk and each primitive's attributes.
import { expect } from 'vitest';
import { formatG } from '../../src/format/printf.ts';

interface Accessor {
  bufferView: number;
  componentType: number;
  count: number;
  type: string;
  normalized?: boolean;
  min?: number[];
  max?: number[];
}
interface BufferView { buffer: number; byteOffset: number; byteLength: number; target: number }
export interface Gltf {
  asset: { version: string; generator: string };
  scene: number;
  scenes: { nodes: number[] }[];
  nodes?: { mesh: number }[];
  bufferViews?: BufferView[];
  accessors?: Accessor[];
  meshes?: { primitives: { attributes: { POSITION: number; COLOR_0: number }; mode: number }[] }[];
  buffers?: { byteLength: number }[];
}

export interface ParsedGlb {
  jsonText: string;
  gltf: Gltf;
  bin?: Uint8Array;
  /** Positions and RGBA colours of each primitive, in order. */
  primitives: { mode: number; positions: Float32Array; colors: Uint8Array }[];
}

export function parseGlb(bytes: Uint8Array): ParsedGlb {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect(view.getUint32(0, true)).toBe(0x46546c67);
  expect(view.getUint32(4, true)).toBe(2);
  expect(view.getUint32(8, true)).toBe(bytes.length);
  const jsonLength = view.getUint32(12, true);
  expect(view.getUint32(16, true)).toBe(0x4e4f534a);
  expect(jsonLength % 4).toBe(0);
  const jsonText = new TextDecoder().decode(bytes.subarray(20, 20 + jsonLength)).replace(/ +$/, '');
  const gltf = JSON.parse(jsonText) as Gltf;
  let bin: Uint8Array | undefined;
  const binAt = 20 + jsonLength;
  if (binAt < bytes.length) {
    const binLength = view.getUint32(binAt, true);
    expect(view.getUint32(binAt + 4, true)).toBe(0x004e4942);
    expect(binLength % 4).toBe(0);
    expect(binAt + 8 + binLength).toBe(bytes.length);
    bin = bytes.slice(binAt + 8, binAt + 8 + binLength);
    expect(gltf.buffers).toEqual([{ byteLength: binLength }]);
  }
  const primitives = (gltf.meshes?.[0]?.primitives ?? []).map((p) => {
    const read = (index: number) => {
      const accessor = gltf.accessors![index]!;
      const bv = gltf.bufferViews![accessor.bufferView]!;
      expect([bv.buffer, bv.target]).toEqual([0, 34962]);
      return { accessor, bytes: bin!.slice(bv.byteOffset, bv.byteOffset + bv.byteLength) };
    };
    const position = read(p.attributes.POSITION);
    const color = read(p.attributes.COLOR_0);
    expect(position.accessor).toMatchObject({ componentType: 5126, type: 'VEC3' });
    expect(color.accessor).toEqual({ bufferView: color.accessor.bufferView, componentType: 5121, normalized: true, count: position.accessor.count, type: 'VEC4' });
    const positions = new Float32Array(position.bytes.buffer);
    expect(positions.length).toBe(position.accessor.count * 3);
    expect(color.bytes.length).toBe(position.accessor.count * 4);
    // min / max are the bounds of the stored float32 values, printed with %.9g.
    for (const [key, pick] of [['min', Math.min], ['max', Math.max]] as const) {
      const bound = [0, 1, 2].map((a) => pick(...positions.filter((_, i) => i % 3 === a)));
      expect(position.accessor[key]!.map(Math.fround)).toEqual(bound); // %.9g round-trips float32
      expect(jsonText).toContain(`"${key}":[${bound.map((b) => formatG(b, 9)).join(',')}]`);
    }
    return { mode: p.mode, positions, colors: color.bytes };
  });
  return { jsonText, gltf, bin, primitives };
}
