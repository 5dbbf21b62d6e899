// The safetensors header parser shared by the in-memory reader and the converter's streaming
// reader: hostile headers fail with a message naming the problem.
import { describe, expect, it } from 'vitest';
import { parseSafetensors } from '../gguf/safetensors.ts';
import { bytesSource } from '../gguf/source.ts';
import { readSafetensorsCheckpoint } from '../src/convert/safetensors-checkpoint.ts';

function file(header: unknown, data = new Uint8Array(0), declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const out = new Uint8Array(8 + json.byteLength + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.byteLength), true);
  out.set(json, 8);
  out.set(data, 8 + json.byteLength);
  return out;
}

const good = file({ __metadata__: { a: 'b' }, t: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, new Uint8Array(8));

const HOSTILE: [string, Uint8Array, RegExp][] = [
  ['shorter than 8 bytes', new Uint8Array(5), /shorter than its 8-byte header length/],
  ['header length past the end', file({}, new Uint8Array(0), 1e12), /header length .* does not fit/],
  ['header not JSON', file('{oops'), /not valid JSON/],
  ['header not an object', file('[1, 2]'), /not a JSON object/],
  ['unknown dtype', file({ t: { dtype: 'Q9', shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /unsupported dtype Q9/],
  ['negative dim', file({ t: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /invalid shape/],
  ['offsets not a pair', file({ t: { dtype: 'F32', shape: [1], data_offsets: [0] } }, new Uint8Array(4)), /invalid data_offsets/],
  ['size does not match shape', file({ t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /does not match its shape/],
  ['data past the end', file({ t: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /past the end of the file/],
];

describe('safetensors header', () => {
  it('reads a valid file in memory and through a byte source', async () => {
    const parsed = parseSafetensors(good);
    expect(parsed.metadata).toEqual({ a: 'b' });
    expect(parsed.tensors.get('t')!.bytes.byteLength).toBe(8);
    const streamed = await readSafetensorsCheckpoint(bytesSource(good));
    expect((await streamed.get('t')!.read()).byteLength).toBe(8);
  });

  it.each(HOSTILE)('rejects %s in both readers', async (_, bytes, message) => {
    expect(() => parseSafetensors(bytes)).toThrow(message);
    await expect(readSafetensorsCheckpoint(bytesSource(bytes))).rejects.toThrow(message);
  });
});
