// The WebGPU backend's own behaviour beyond op parity (test/backend-ops.test.ts): errors are
// clear exceptions (bad shapes, foreign or released tensors, over-limit sizes, GPU validation
// errors, device loss), a caller's device is used and left alive, buffers are recycled across
// forwards, and grids past 65535 workgroups fold correctly. Runs where an adapter exists (CI:
// Mesa lavapipe, required there).
import '../src/node.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDevice, createWebGpuBackend, type WebGpuBackend } from '../src/backend/webgpu/index.ts';
import { sizeClass } from '../src/backend/webgpu/buffer-pool.ts';
import { floatToHalf, halfToFloat } from '../gguf/f16.ts';
import { GGML_TYPE } from '../gguf/types.ts';
import { bytesSource, loadModel } from '../src/index.ts';
import { readFixture } from './helpers/fixtures.ts';
import { reference, values } from './helpers/op-cases.ts';
import { WEBGPU_AVAILABLE } from './helpers/webgpu.ts';

describe('buffer size classes', () => {
  it('round up by at most 1/8 and never below 256 bytes', () => {
    for (const bytes of [1, 255, 256, 257, 1000, 4096, 4097, 65_537, 43_352_064, 134_217_728]) {
      const c = sizeClass(bytes);
      expect(c).toBeGreaterThanOrEqual(Math.max(bytes, 256));
      expect(c).toBeLessThanOrEqual(Math.max(256, bytes * 1.125 + 256));
    }
  });
});

describe.runIf(WEBGPU_AVAILABLE)('webgpu backend tensors and errors', () => {
  let be: WebGpuBackend;
  beforeAll(async () => {
    be = await createWebGpuBackend();
  });
  afterAll(() => be.dispose());

  it('says what it runs on', () => {
    expect(be.name).toBe('webgpu');
    expect(be.description).toMatch(/^webgpu \(.+\)$/);
  });

  it('round-trips uploads, shares storage with reshape views, refuses released tensors', async () => {
    const t = be.upload(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const v = be.reshape(t, [3, 2]);
    expect(await be.download(v)).toEqual(new Float32Array([1, 2, 3, 4, 5, 6]));
    be.release(v);
    be.release(t); // releasing again does nothing
    expect(() => be.relu(t)).toThrow(/released/);
  });

  it('rejects mismatched shapes and foreign tensors with clear errors', () => {
    const a = be.upload(values(6, 3), [2, 3]);
    const b = be.upload(values(8, 4), [2, 4]);
    expect(() => be.upload(new Float32Array(5), [2, 3])).toThrow(/5 values/);
    expect(() => be.linear(a, b, undefined)).toThrow(/does not end in 4/);
    expect(() => be.add(a, b)).toThrow(/sizes differ/);
    expect(() => be.reshape(a, [4, 2])).toThrow(/cannot reshape/);
    expect(() => be.attention(a, { heads: 2, seqLen: 2 })).toThrow(/not divisible by heads/);
    expect(() => be.conv2d(be.reshape(a, [1, 2, 3]), be.upload(values(16, 5), [1, 1, 4, 4]), undefined)).toThrow(/larger than/);
    expect(() => be.relu(reference.upload(new Float32Array(1), [1]))).toThrow(/not a tensor of this backend/);
    expect(() => be.upload(new Float32Array(0), [-1])).toThrow(/invalid shape/);
  });

  it('refuses a tensor larger than the adapter\'s storage binding before allocating it', async () => {
    const limit = be.device.limits.maxStorageBufferBindingSize;
    let called = false;
    await expect(be.uploadWith([limit / 4 + 1], async () => { called = true; })).rejects.toThrow(/largest storage binding/);
    expect(called).toBe(false);
  });

  it('recycles buffers: a second identical forward allocates nothing new', async () => {
    const x = be.upload(values(64 * 96, 1), [64, 96]);
    const w = be.upload(values(128 * 96, 2), [128, 96]);
    const step = async () => {
      const h = be.linear(x, w, undefined, { activation: 'gelu' });
      const t = be.transpose(h);
      const r = be.relu(t);
      await be.download(r);
      for (const u of [h, t, r]) be.release(u);
    };
    await step();
    const bytes = be.gpuBytes;
    await step();
    expect(be.gpuBytes).toBe(bytes);
  });

  it('folds elementwise grids past 65535 workgroups (2-D grid, guarded tail)', async () => {
    const n = 65_535 * 256 + 300;
    const data = values(n, 9);
    const out = await be.download(be.relu(be.upload(data, [n])));
    let wrong = 0;
    for (let i = 0; i < n; i++) if (out[i] !== (data[i] > 0 ? data[i] : 0)) wrong++;
    expect(wrong).toBe(0);
  });
});

describe.runIf(WEBGPU_AVAILABLE)('webgpu failures become errors, never hangs', () => {
  it('a GPU validation error surfaces at the next op or download', async () => {
    const be = await createWebGpuBackend();
    try {
      be.device.createBuffer({ size: be.device.limits.maxBufferSize + 4, usage: 0x80 }); // invalid: over the limit
      const next = async () => be.download(be.upload(new Float32Array(4), [4]));
      await expect(next()).rejects.toThrow(/^webgpu: .*max buffer size/);
    } finally {
      be.dispose();
    }
  });

  it('a lost device rejects the pending download and every later op', async () => {
    const be = await createWebGpuBackend();
    const t = be.upload(values(1024, 1), [1024]);
    be.device.destroy();
    await expect(be.download(be.relu(t))).rejects.toThrow(/webgpu: .*(lost|destroyed|failed)/i);
    await new Promise((r) => setTimeout(r, 20));
    expect(() => be.relu(t)).toThrow(/webgpu: device lost \(destroyed\)/);
    be.dispose();
  });

  it('runs a model on a caller\'s device and leaves the device alive after dispose', async () => {
    const { device } = await acquireDevice();
    const model = await loadModel(bytesSource(readFixture('models/da3mono/pack-da3mono-f32.gguf')), { backend: 'webgpu', device });
    expect(model.backend).toBe('webgpu');
    const input = { width: 28, height: 28, data: new Uint8Array(28 * 28 * 3).fill(128) };
    const p = await model.predict(input, { resolution: 28 });
    expect(p.depth.every(Number.isFinite)).toBe(true);
    model.dispose();
    const probe = device.createBuffer({ size: 16, usage: 0x80 });
    probe.destroy();
    let lost = false;
    void device.lost.then(() => { lost = true; });
    await new Promise((r) => setTimeout(r, 20));
    expect(lost).toBe(false);
    device.destroy();
  });
});

describe.runIf(WEBGPU_AVAILABLE)('webgpu half-precision weights', () => {
  const halves = (data: Float32Array) => Uint16Array.from(data, (v) => floatToHalf(v));
  const rounded = (data: Float32Array) => Float32Array.from(data, (v) => halfToFloat(floatToHalf(v)));

  it('an F16 weight stays 16-bit on the GPU and gives exactly its f32 widening\'s results', async () => {
    const be = await createWebGpuBackend();
    try {
      const w32 = rounded(values(96 * 200, 2));
      const x = be.upload(values(37 * 200, 1), [37, 200]);
      const before = be.gpuBytes;
      const wHalf = await be.uploadWith([96, 200], async () => { throw new Error('f32 fill must not be used'); }, { weight: true, stored: { type: GGML_TYPE.F16, bytes: w32.length * 2, fill: async (t) => new Uint16Array(t.buffer, t.byteOffset, w32.length).set(halves(w32)) } });
      expect(be.gpuBytes - before).toBeLessThanOrEqual(96 * 200 * 2 * 1.125 + 256);
      const wFull = be.upload(w32, [96, 200]);
      const b = be.upload(values(96, 3), [96]);
      const viaHalf = await be.download(be.linear(x, wHalf, b, { activation: 'gelu' }));
      const viaFull = await be.download(be.linear(x, wFull, b, { activation: 'gelu' }));
      expect(viaHalf).toEqual(viaFull);
      // Any other use sees the widened values.
      expect(await be.download(wHalf)).toEqual(w32);
      expect(await be.download(be.add(wHalf, wFull))).toEqual(Float32Array.from(w32, (v) => v + v));
      expect(await be.download(be.gatherRows([{ tensor: wHalf, start: 5, count: 2 }]))).toEqual(w32.subarray(5 * 200, 7 * 200));
    } finally {
      be.dispose();
    }
  });

  it('weightPrecision f16 rounds linear weights on first use (half the memory, f16-rounded results)', async () => {
    const be = await createWebGpuBackend({ weightPrecision: 'f16' });
    try {
      expect(be.description).toMatch(/f16 weights/);
      const wData = values(64 * 96, 5);
      const x = be.upload(values(20 * 96, 4), [20, 96]);
      const w = be.upload(wData, [64, 96], { weight: true });
      const out = await be.download(be.linear(x, w, undefined));
      const expected = await reference.download(reference.linear(reference.upload(values(20 * 96, 4), [20, 96]), reference.upload(rounded(wData), [64, 96]), undefined));
      expect(await be.download(w)).toEqual(rounded(wData)); // nearest-even, as floatToHalf
      let worst = 0;
      for (let i = 0; i < out.length; i++) worst = Math.max(worst, Math.abs(out[i] - expected[i]));
      expect(worst).toBeLessThan(1e-5); // f32 summation-order noise only
    } finally {
      be.dispose();
    }
  });
});
