// Malformed and hostile GGUF headers: each must be rejected quickly, with a message naming the
// problem, without reading outside the file or allocating for a claimed size.

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { GGUF_VALUE_TYPE as T } from '../gguf/kv.ts';
import { readGguf } from '../gguf/reader.ts';
import { bytesSource, type ByteSource } from '../gguf/source.ts';
import { GGML_TYPE } from '../gguf/types.ts';

// Little builders for hand-made headers.
const u32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); return b; };
const u64 = (v: number | bigint) => { const b = new Uint8Array(8); new DataView(b.buffer).setBigUint64(0, BigInt(v), true); return b; };
const str = (s: string) => { const b = new TextEncoder().encode(s); return cat(u64(b.byteLength), b); };
function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.byteLength; }
  return out;
}
const MAGIC = new TextEncoder().encode('GGUF');
const header = (nTensors: number | bigint, nKv: number | bigint) => cat(MAGIC, u32(3), u64(nTensors), u64(nKv));
const kv = (key: string, type: number, value: Uint8Array) => cat(str(key), u32(type), value);
const tensorInfo = (name: string, dims: (number | bigint)[], type: number, offset: number | bigint) =>
  cat(str(name), u32(dims.length), ...dims.map(u64), u32(type), u64(offset));
/** Header + infos, padded to 32, then `dataBytes` zero bytes. */
function withData(head: Uint8Array, dataBytes: number): Uint8Array {
  return cat(head, new Uint8Array((32 - (head.byteLength % 32)) % 32), new Uint8Array(dataBytes));
}

/** Parses through a source that records the largest read, and times the parse. */
async function attempt(bytes: Uint8Array): Promise<{ error: Error | undefined; largestRead: number; ms: number }> {
  const inner = bytesSource(bytes);
  let largestRead = 0;
  const source: ByteSource = { size: inner.size, read: (o, n) => { largestRead = Math.max(largestRead, n); return inner.read(o, n); } };
  const start = performance.now();
  let error: Error | undefined;
  try {
    await readGguf(source);
  } catch (e) {
    error = e as Error;
  }
  return { error, largestRead, ms: performance.now() - start };
}

async function expectRejected(bytes: Uint8Array, message: RegExp): Promise<void> {
  const { error, largestRead, ms } = await attempt(bytes);
  expect(error, 'should reject').toBeInstanceOf(Error);
  expect(error!.message).toMatch(/^gguf: /);
  expect(error!.message).toMatch(message);
  expect(largestRead).toBeLessThanOrEqual(bytes.byteLength);
  expect(ms).toBeLessThan(200);
}

describe('truncation', async () => {
  const bytes = new Uint8Array(await readFile(new URL('../fixtures/quant/dequant/types.gguf', import.meta.url)));

  it('every cut inside the header, and cuts inside the data, are rejected with a reason', async () => {
    const cuts = [...Array.from({ length: 2080 }, (_, i) => i), 2081, 6000, 12300, 21056, 22000, 24395];
    const start = performance.now();
    for (const cut of cuts) {
      const { error, largestRead } = await attempt(bytes.subarray(0, cut));
      expect(error?.message, `cut at ${cut}`).toMatch(/^gguf: .*(extends past end of file|cannot fit in the|is past end of file)/);
      expect(largestRead).toBeLessThanOrEqual(cut);
    }
    expect(performance.now() - start).toBeLessThan(5000);
    // The uncut file parses, and so does one missing only the last tensor's trailing padding.
    expect((await attempt(bytes)).error).toBeUndefined();
    expect((await attempt(bytes.subarray(0, 24396))).error).toBeUndefined();
  });

  it('names the field and the file size', async () => {
    await expectRejected(bytes.subarray(0, 0), /magic at byte 0 \(4 bytes\) extends past end of file \(size 0\)/);
    await expectRejected(bytes.subarray(0, 30), /header: tensor count 13 cannot fit in the 6 bytes left in the file \(size 30\) at 24\+ bytes each/);
    await expectRejected(bytes.subarray(0, 1164), /KV 'fixture\.arr_f64': array length 3 cannot fit in the 21 bytes left in the file \(size 1164\) at 8\+ bytes each/);
    await expectRejected(bytes.subarray(0, 970), /KV 'fixture\.arr_u32': value type at byte 970 \(4 bytes\) extends past end of file \(size 970\)/);
    await expectRejected(bytes.subarray(0, 24395), /tensor 't\.Q6_K' data \[23136, 24396\) extends past end of file \(size 24395\)/);
  });
});

describe('hostile counts and sizes', () => {
  it('huge tensor / KV counts', async () => {
    await expectRejected(withData(header(2n ** 60n, 0), 0), /tensor count 1152921504606846976 cannot fit in the 8 bytes left/);
    await expectRejected(withData(header(0, 2n ** 64n - 1n), 0), /KV count 18446744073709551615 cannot fit in the 8 bytes left in the file \(size 32\) at 13\+ bytes each/);
    await expectRejected(withData(header(1000, 0), 100), /tensor count 1000 cannot fit in the 108 bytes left in the file \(size 132\) at 24\+ bytes each/);
  });

  it('huge string and array lengths', async () => {
    await expectRejected(cat(header(0, 1), u64(2n ** 60n), new Uint8Array(64)), /KV #0: key length 1152921504606846976 cannot fit in the 64 bytes left in the file \(size 96\)/);
    await expectRejected(cat(header(0, 1), kv('k', T.STRING, u64(2n ** 62n)), new Uint8Array(64)), /KV 'k': string value length 4611686018427387904 cannot fit/);
    await expectRejected(cat(header(0, 1), kv('k', T.ARRAY, cat(u32(T.UINT8), u64(2n ** 60n))), new Uint8Array(64)), /KV 'k': array length 1152921504606846976 cannot fit/);
    // 100 u64 elements cannot fit in 64 bytes even though 100 single bytes would.
    await expectRejected(cat(header(0, 1), kv('k', T.ARRAY, cat(u32(T.UINT64), u64(100))), new Uint8Array(64)), /array length 100 cannot fit in the 64 bytes left in the file \(size \d+\) at 8\+ bytes each/);
    await expectRejected(cat(header(1, 0), u64(2n ** 40n), new Uint8Array(64)), /tensor #0: name length 1099511627776 cannot fit/);
  });

  it('huge n_dims, dims and element counts', async () => {
    await expectRejected(withData(cat(header(1, 0), str('t'), u32(0x80000000), new Uint8Array(64)), 0), /tensor 't': n_dims 2147483648 is more than 4/);
    await expectRejected(withData(cat(header(1, 0), tensorInfo('t', [2n ** 62n], GGML_TYPE.F32, 0)), 64), /tensor 't': ne\[0\] 4611686018427387904 is too large/);
    await expectRejected(withData(cat(header(1, 0), tensorInfo('t', [2 ** 26, 2 ** 26, 2 ** 26], GGML_TYPE.F32, 0)), 64), /tensor 't': element count of dims \[67108864, 67108864, 67108864\] overflows/);
    await expectRejected(withData(cat(header(1, 0), tensorInfo('t', [2 ** 20, 2 ** 20], GGML_TYPE.F32, 0)), 64), /tensor 't': 4398046511104 bytes of F32 data cannot fit in the file/);
  });
});

describe('bad tensor placement', () => {
  const oneTensor = (offset: number | bigint, dataBytes: number) => withData(cat(header(1, 0), tensorInfo('w', [8], GGML_TYPE.F32, offset)), dataBytes);

  it('accepts a well-placed tensor (the cases below differ only in the offset or data size)', async () => {
    expect((await attempt(oneTensor(0, 32))).error).toBeUndefined();
  });

  it('misaligned, out-of-file and overlapping data', async () => {
    await expectRejected(oneTensor(4, 64), /tensor 'w' data offset 4 is not a multiple of the alignment 32/);
    await expectRejected(oneTensor(0, 31), /tensor 'w' data \[\d+, \d+\) extends past end of file/);
    await expectRejected(oneTensor(64, 64), /tensor 'w' data \[\d+, \d+\) extends past end of file/);
    await expectRejected(oneTensor(2n ** 63n, 64), /tensor 'w': offset 9223372036854775808 is past end of file/);
    const two = withData(cat(header(2, 0), tensorInfo('a', [16], GGML_TYPE.F32, 0), tensorInfo('b', [8], GGML_TYPE.F32, 32)), 64);
    await expectRejected(two, /tensor 'b' data at \d+ overlaps tensor 'a'/);
  });

  it('duplicate names, unknown types, partial blocks', async () => {
    await expectRejected(withData(cat(header(2, 0), tensorInfo('a', [8], 0, 0), tensorInfo('a', [8], 0, 32)), 64), /tensor 'a': duplicate tensor name/);
    await expectRejected(withData(cat(header(1, 0), tensorInfo('q', [256], 16, 0)), 256), /tensor 'q': unknown or unsupported ggml tensor type id 16/);
    await expectRejected(withData(cat(header(1, 0), tensorInfo('q', [256], 0xffffffff, 0)), 256), /unknown or unsupported ggml tensor type id 4294967295/);
    await expectRejected(withData(cat(header(1, 0), tensorInfo('q', [16, 2], GGML_TYPE.Q8_0, 0)), 256), /tensor 'q': ne\[0\] = 16 is not a multiple of the Q8_0 block size 32/);
    await expectRejected(withData(cat(header(1, 0), tensorInfo('q', [], GGML_TYPE.Q4_K, 0)), 256), /tensor 'q': ne\[0\] = 1 is not a multiple of the Q4_K block size 256/);
  });
});

describe('bad header fields', () => {
  it('magic and version', async () => {
    const good = withData(header(0, 0), 0);
    const withVersion = (v: number) => { const b = good.slice(); b.set(u32(v), 4); return b; };
    await expectRejected(cat(new TextEncoder().encode('GGML'), good.subarray(4)), /bad magic 0x4c4d4747, expected "GGUF"/);
    await expectRejected(withVersion(1), /unsupported version 1 \(expected 2 or 3\)/);
    await expectRejected(withVersion(4), /unsupported version 4/);
    await expectRejected(withVersion(0x03000000), /looks byte-swapped/);
    expect((await attempt(withVersion(2))).error).toBeUndefined();
    expect((await attempt(good)).error).toBeUndefined();
  });

  it('alignment', async () => {
    const withAlignment = (type: number, value: Uint8Array) => withData(cat(header(0, 1), kv('general.alignment', type, value)), 0);
    await expectRejected(withAlignment(T.UINT32, u32(48)), /general\.alignment 48 is not a power of two/);
    await expectRejected(withAlignment(T.UINT32, u32(0)), /general\.alignment 0 is not a power of two/);
    await expectRejected(withAlignment(T.INT32, u32(32)), /general\.alignment must be a u32, found i32/);
    expect((await attempt(withAlignment(T.UINT32, u32(64)))).error).toBeUndefined();
  });

  it('KV values', async () => {
    const oneKv = (body: Uint8Array) => withData(cat(header(0, 1), body), 32);
    await expectRejected(oneKv(kv('k', 13, u32(0))), /KV 'k': value type 13 is not a GGUF value type/);
    await expectRejected(oneKv(kv('k', T.ARRAY, cat(u32(99), u64(0)))), /KV 'k': array element type 99 is not a GGUF value type/);
    await expectRejected(oneKv(kv('k', T.BOOL, new Uint8Array([2]))), /KV 'k': bool value at byte \d+ is 2, expected 0 or 1/);
    await expectRejected(oneKv(cat(u64(2), new Uint8Array([0xc3, 0x28]), u32(T.UINT8), new Uint8Array(1))), /KV #0: key at byte 32 is not valid UTF-8/);
    await expectRejected(withData(cat(header(0, 2), kv('k', T.UINT8, new Uint8Array(1)), kv('k', T.UINT8, new Uint8Array(1))), 32), /KV #1: duplicate key 'k'/);
    let nested = cat(u32(T.INT32), u64(0));
    for (let i = 0; i < 9; i++) nested = cat(u32(T.ARRAY), u64(1), nested);
    await expectRejected(oneKv(kv('deep', T.ARRAY, nested)), /KV 'deep': arrays nested deeper than 8/);
  });
});
