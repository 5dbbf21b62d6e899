// Op parity of every fast backend against the reference backend, on one table of cases
// (test/helpers/op-cases.ts): the wasm backend's SIMD128 and relaxed-SIMD builds at 1 and 2
// threads, and the WebGPU backend when this machine has an adapter (CI: Mesa lavapipe). The
// wasm runs also check that an op wrote nothing outside its output (canary bytes around it);
// every backend checks that its inputs are unchanged.
import '../src/node.ts'; // registers worker_threads (wasm) and the Dawn provider (webgpu)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.ts';
import { createWasmBackend, type WasmBackend } from '../src/backend/wasm/index.ts';
import { relaxedSimdSupported } from '../src/backend/wasm/kernel-module.ts';
import { createWebGpuBackend } from '../src/backend/webgpu/index.ts';
import { expectedOf, nmse, OP_CASES, reference, uploadInputs, type OpCase } from './helpers/op-cases.ts';
import { WEBGPU_AVAILABLE } from './helpers/webgpu.ts';

async function expectMatchesReference(be: Backend, c: OpCase, run: () => ReturnType<OpCase['run']>, inputs: ReturnType<typeof uploadInputs>) {
  const before = await Promise.all(Object.values(inputs).map((t) => be.download(t)));
  const out = run();
  const actual = await be.download(out);
  expect(out.shape).toEqual(c.run(reference, uploadInputs(reference, c, 0)).shape);
  expect(nmse(actual, await expectedOf(c))).toBeLessThanOrEqual(c.maxNmse);
  const after = await Promise.all(Object.values(inputs).map((t) => be.download(t)));
  expect(after).toEqual(before);
  return out;
}

const CANARY = 0x7fc0dead; // a NaN pattern no kernel produces
const GUARD_BYTES = 64;

const configs = [
  { threads: 1, relaxedSimd: false },
  { threads: 1, relaxedSimd: true },
  { threads: 2, relaxedSimd: false },
  { threads: 2, relaxedSimd: true },
];

describe.each(configs)('wasm backend, $threads thread(s), relaxed SIMD $relaxedSimd', (config) => {
  let be: WasmBackend;
  beforeAll(async () => {
    be = await createWasmBackend(config);
  });
  afterAll(() => be.dispose());

  it('runs the requested build and thread count', () => {
    expect(be.threads).toBe(config.threads);
    expect(be.relaxedSimd).toBe(config.relaxedSimd && relaxedSimdSupported());
  });

  it.each(OP_CASES)('$name', async (c) => {
    // Fill fresh heap with the canary so the output and its neighbours start out as canary.
    const words = Math.max(1 << 21, 2 * (await expectedOf(c)).length + (1 << 16)); // room for the output and its neighbours
    const filler = be.upload(new Float32Array(new Int32Array(words).fill(CANARY).buffer), [words]);
    be.release(filler);
    const inputs = uploadInputs(be, c, c.name.length);
    let guard: number[] = [];
    const out = await expectMatchesReference(be, c, () => {
      const result = c.run(be, inputs);
      const { offset, length } = be.heapLocation(result);
      const heap = new Int32Array(be.memory.buffer);
      guard = [
        ...heap.subarray((offset - GUARD_BYTES) / 4, offset / 4),
        ...heap.subarray(offset / 4 + length, offset / 4 + length + GUARD_BYTES / 4),
      ];
      return result;
    }, inputs);
    expect(guard.every((w) => w === CANARY)).toBe(true);
    for (const t of [out, ...Object.values(inputs)]) be.release(t);
  });
});

describe.runIf(WEBGPU_AVAILABLE)('webgpu backend', () => {
  let be: Backend;
  beforeAll(async () => {
    be = await createWebGpuBackend();
  });
  afterAll(() => be.dispose());

  it.each(OP_CASES)('$name', async (c) => {
    const inputs = uploadInputs(be, c, c.name.length);
    const out = await expectMatchesReference(be, c, () => c.run(be, inputs), inputs);
    for (const t of [out, ...Object.values(inputs)]) be.release(t);
  });
});
