// The wasm backend's own behaviour beyond op parity (test/backend-ops.test.ts): tensor storage
// on the heap, in-place weight packing, Winograd reservations, precompiled modules, errors.
import '../src/node.ts'; // registers worker_threads for the wasm thread pool
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../src/backend/backend.ts';
import { createWasmBackend, type WasmBackend } from '../src/backend/wasm/index.ts';
import { kernelBytes } from '../src/backend/wasm/kernel-module.ts';
import { readFileSync } from 'node:fs';
import { Worker as NodeWorker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { layoutHeader } from '../src/converter-layout/index.ts';
import { loadModel } from '../src/model/load.ts';
import { synthesizedFileSize, synthPreset } from '../src/synth/index.ts';
import { reference, values } from './helpers/op-cases.ts';

describe('wasm backend tensors and errors', () => {
  let be: WasmBackend;
  beforeAll(async () => {
    be = await createWasmBackend({ threads: 1 });
  });

  it('round-trips uploads, shares storage with reshape views and frees on release', async () => {
    const used = be.heapBytes;
    const t = be.upload(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const v = be.reshape(t, [3, 2]);
    expect(v.shape).toEqual([3, 2]);
    expect(await be.download(v)).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    be.release(v);
    be.release(t);
    expect(be.heapBytes).toBe(used);
    expect(() => be.download(t)).toThrow(/released/);
  });

  it('keeps one packed copy of a weight across calls and frees it with the weight', () => {
    const x = be.upload(values(12, 1), [3, 4]);
    const w = be.upload(values(20, 2), [5, 4]);
    be.release(be.linear(x, w, undefined));
    const packed = be.heapBytes;
    be.release(be.linear(x, be.reshape(w, [5, 4]), undefined));
    expect(be.heapBytes).toBe(packed);
    be.release(w);
    be.release(x);
    expect(be.heapBytes).toBe(0);
  });

  it('packs weights in place: one copy on the heap, same results, plain use afterwards refused', async () => {
    const x = be.upload(values(21, 1), [3, 7]);
    const map = be.upload(values(4 * 5 * 6, 2), [4, 5, 6]);
    for (const [kind, shape] of [['linear', [16, 7]], ['linear', [5, 7]], ['conv', [13, 4, 3, 3]]] as const) {
      const data = values(shape.reduce((a, b) => a * b, 1), 3);
      const run = (w: Tensor) => kind === 'linear' ? be.linear(x, w, undefined) : be.conv2d(map, w, undefined, { pad: 1 });
      const plain = be.upload(data, shape);
      const expected = await be.download(run(plain));
      const used = be.heapBytes;
      const weight = be.upload(data, shape, { weight: true });
      const size = be.heapBytes - used;
      const out = run(weight);
      expect(await be.download(out)).toEqual(expected);
      be.release(out);
      expect(be.heapBytes - used).toBeLessThanOrEqual(shape[0] % 8 === 0 || kind === 'conv' ? size : 2 * size);
      expect(() => be.download(weight)).toThrow(/packed for .*plain values are gone/);
      expect(() => be.add(weight, weight)).toThrow(/plain values are gone/);
      if (kind === 'linear') expect(() => be.conv2d(be.reshape(x, [7, 3, 1]), be.reshape(weight, [shape[0], 7, 1, 1]), undefined)).toThrow(/cannot also be used as conv/);
      be.release(weight);
      be.release(plain);
    }
  });

  it('reserves room for a 3×3 kernel\'s Winograd form, and gives it back when the kernel is packed for a strided conv', async () => {
    const map = be.upload(values(16 * 20 * 20, 4), [16, 20, 20]);
    const shape = [16, 16, 3, 3];
    const data = values(16 * 16 * 9, 5);
    const plainBytes = data.length * 4;
    for (const opts of [{ pad: 1 }, { pad: 1, stride: 2 }]) {
      const plain = be.upload(data, shape);
      const conv = (w: Tensor) => be.conv2d(map, w, undefined, opts);
      const expected = await be.download(conv(plain));
      const used = be.heapBytes;
      const weight = be.upload(data, shape, { weight: true });
      expect(be.heapBytes - used).toBeGreaterThanOrEqual(16 * 16 * 16 * 4);
      const out = conv(weight);
      expect(await be.download(out)).toEqual(expected);
      be.release(out);
      // Winograd: packed in the reserved block (16 taps per kernel); strided: the tail given back.
      const packedBytes = opts.stride === undefined ? 16 * 16 * 16 * 4 : plainBytes;
      expect(be.heapBytes - used).toBeGreaterThanOrEqual(packedBytes);
      expect(be.heapBytes - used).toBeLessThanOrEqual(packedBytes + 128);
      be.release(weight);
      be.release(plain);
    }
    be.release(map);
  });

  it('runs a caller-supplied precompiled module, threaded only when it imports shared memory', async () => {
    for (const [build, threads] of [['simdShared', 2], ['simdSingle', 1]] as const) {
      const injected = await createWasmBackend({ threads: 2, module: await WebAssembly.compile(kernelBytes(build)) });
      expect(injected.threads).toBe(threads);
      const x = injected.upload(new Float32Array([1, -2, 3]), [1, 3]);
      const w = injected.upload(new Float32Array([1, 1, 1, 2, 0, -1]), [2, 3]);
      expect(await injected.download(injected.linear(x, w, undefined))).toEqual(new Float32Array([2, -1]));
      injected.dispose();
    }
  });

  it('rejects mismatched shapes and foreign tensors with clear errors', () => {
    const a = be.upload(values(6, 3), [2, 3]);
    const b = be.upload(values(8, 4), [2, 4]);
    expect(() => be.upload(new Float32Array(5), [2, 3])).toThrow(/5 values/);
    expect(() => be.linear(a, b, undefined)).toThrow(/does not end in 4/);
    expect(() => be.add(a, b)).toThrow(/add of/);
    expect(() => be.reshape(a, [4, 2])).toThrow(/cannot reshape/);
    expect(() => be.attention(a, { heads: 2, seqLen: 2 })).toThrow(/not divisible by heads/);
    expect(() => be.conv2d(be.reshape(a, [1, 2, 3]), be.upload(values(16, 5), [1, 1, 4, 4]), undefined)).toThrow(/larger than/);
    const map = be.upload(values(16 * 5 * 5, 6), [16, 5, 5]);
    for (const kernel of [[16, 16, 3, 3], [4, 16, 3, 3]]) { // Winograd path, direct path
      const weight = be.upload(values(kernel.reduce((x, y) => x * y, 1), 7), kernel);
      const used = be.heapBytes;
      const project = { weight: be.upload(values(3 * 5, 8), [3, 5, 1, 1]) };
      expect(() => be.conv2d(map, weight, undefined, { pad: 1, project })).toThrow(/not a 1×1 conv of \d+ channels/);
      be.release(project.weight);
      expect(be.heapBytes).toBe(used);
    }
    expect(() => be.relu(reference.upload(new Float32Array(1), [1]))).toThrow(/not a tensor of this backend/);
    expect(() => be.upload(new Float32Array(0), [-1])).toThrow(/invalid shape/);
  });
});

describe('wasm backend threads', () => {
  it('caps the thread count at the available cores and says so', async () => {
    const cores = availableParallelism();
    const be = await createWasmBackend({ threads: cores + 3 });
    try {
      expect(be.threads).toBe(cores);
      expect(be.description).toContain(`${cores + 3} threads requested, ${cores} cores available`);
    } finally {
      be.dispose();
    }
  });

  it('starts Node worker threads even when another library set a global Worker (onnxruntime-web does)', async () => {
    const g = globalThis as { Worker?: unknown };
    const saved = g.Worker;
    g.Worker = NodeWorker; // what onnxruntime-web's Node glue does
    try {
      const be = await createWasmBackend({ threads: 2 });
      try {
        expect(be.threads).toBe(Math.min(2, availableParallelism()));
        const x = be.upload(new Float32Array([1, -2, 3]), [1, 3]);
        const w = be.upload(new Float32Array([1, 1, 1, 2, 0, -1]), [2, 3]);
        expect(await be.download(be.linear(x, w, undefined))).toEqual(new Float32Array([2, -1]));
      } finally {
        be.dispose();
      }
    } finally {
      g.Worker = saved;
    }
  });
});

describe('the JS ↔ wasm boundary', () => {
  // src/backend/wasm/kernel-exports.ts is written by hand from asm/index.ts; this keeps the two
  // in step: every kernel the interface declares exists in every build with that many
  // parameters, and the builds export nothing the interface does not declare.
  const declared = new Map<string, number>();
  const source = readFileSync(new URL('../src/backend/wasm/kernel-exports.ts', import.meta.url), 'utf8');
  const body = source.slice(source.indexOf('export interface KernelExports {'), source.indexOf('\n}\n'));
  for (const m of body.matchAll(/^ {2}(\w+)\(([^)]*)\)/gms)) {
    declared.set(m[1]!, m[2]!.trim() === '' ? 0 : m[2]!.split(',').filter((p) => p.trim() !== '').length);
  }

  it.each(['simdShared', 'simdSingle', 'relaxedShared', 'relaxedSingle'] as const)('%s matches KernelExports', async (build) => {
    const module = await WebAssembly.compile(kernelBytes(build));
    const functions = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
    expect(declared.size).toBeGreaterThan(20);
    expect([...functions].sort()).toEqual([...declared.keys()].sort());
    const shared = build.endsWith('Shared');
    const memory = new WebAssembly.Memory({ initial: 2, maximum: shared ? 65536 : undefined, shared });
    const instance = await WebAssembly.instantiate(module, { env: { memory } });
    for (const [name, arity] of declared) expect([name, (instance.exports[name] as (...a: number[]) => void).length]).toEqual([name, arity]);
  });
});

describe('models too large for the wasm32 heap', () => {
  it('fail before any weight is read, saying how much they need', async () => {
    // A real-size DA3-GIANT layout (≈ 4.4 GB of float32 weights) behind a source that has the
    // header and claims the rest: loading must stop at the header, never reading tensor data.
    const spec = synthPreset('da3-giant');
    const header = layoutHeader(spec);
    let dataReads = 0;
    const source = {
      size: synthesizedFileSize(spec),
      async read(offset: number, length: number) {
        if (offset >= header.length) dataReads++; // the header reader may read past its end in one go; tensor reads start after it
        const out = new Uint8Array(length);
        out.set(header.subarray(Math.min(offset, header.length), Math.min(offset + length, header.length)));
        return out;
      },
    };
    await expect(loadModel(source, { backend: 'wasm', threads: 1 })).rejects.toThrow(/weights need 4\.\d\d GiB in memory.*holds at most 4\.00 GiB; quantize it.*webgpu/);
    expect(dataReads).toBe(0);
  });
});
