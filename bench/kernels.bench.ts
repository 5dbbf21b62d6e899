// Kernel benchmarks of the wasm backend at real DA3 shapes (504×336 input: 864 patch tokens,
// 865 with the camera token), with 1 and 2 threads. Reports best and median milliseconds and
// GFLOP/s against the measured SIMD128 ceiling of ≈64 GFLOP/s per thread (bench/RESULTS.md).
// Linears also run over weights kept in their GGUF type (F16, Q8_0, Q4_K, Q6_K), as quantized
// models load them.
// Run: node bench/kernels.bench.ts [--threads 1,2] [--filter linear] [--simd128]
import '../src/node.ts'; // worker_threads for the thread pool
import { Bench } from 'tinybench';
import type { Tensor } from '../src/backend/backend.ts';
import { createWasmBackend, type WasmBackend } from '../src/backend/wasm/index.ts';
import { quantize } from '../gguf/quantize.ts';
import { GGML_TYPE, type GgmlTypeName } from '../gguf/types.ts';

const CEILING_PER_THREAD = 64;

interface Case {
  name: string;
  flop: number;
  setup(be: WasmBackend): (() => Tensor) | Promise<() => Tensor>;
}

function random(n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (Math.random() * 2 - 1) * scale;
  return out;
}

const upload = (be: WasmBackend, shape: number[], scale = 1) =>
  be.upload(random(shape.reduce((a, b) => a * b, 1), scale), shape);

function gemm(m: number, k: number, n: number, activation: 'none' | 'gelu' = 'none'): Case {
  return {
    name: `linear ${m}×${k}→${n}${activation === 'gelu' ? ' +gelu' : ''}`,
    flop: 2 * m * k * n,
    setup(be) {
      const x = upload(be, [m, k]), w = upload(be, [n, k], 0.05), b = upload(be, [n]);
      return () => be.linear(x, w, b, { activation });
    },
  };
}

/** A linear whose weight stays in a GGUF type (quantized as `quantize` does), as loading keeps it. */
function gemmStored(m: number, k: number, n: number, typeName: GgmlTypeName): Case {
  return {
    name: `linear ${m}×${k}→${n} ${typeName}`,
    flop: 2 * m * k * n,
    async setup(be) {
      const type = GGML_TYPE[typeName];
      const bytes = quantize(type, random(n * k, 0.05));
      const x = upload(be, [m, k]), b = upload(be, [n]);
      const w = await be.uploadWith([n, k], async () => { throw new Error('kept types fill through `stored`'); }, {
        weight: true, stored: { type, bytes: bytes.length, fill: async (target) => target.set(bytes) },
      });
      return () => be.linear(x, w, b);
    },
  };
}

function attention(seq: number, heads: number, d: number, qkNormRope: boolean): Case {
  const c = heads * d;
  return {
    name: `attention N=${seq} ${heads}×${d}${qkNormRope ? ' +QK-norm +RoPE' : ''}`,
    flop: 4 * seq * seq * c,
    setup(be) {
      const qkv = upload(be, [seq, 3 * c], 2);
      if (!qkNormRope) return () => be.attention(qkv, { heads, seqLen: seq });
      const norm = () => ({ weight: upload(be, [d]), bias: upload(be, [d]) });
      const opts = { heads, seqLen: seq, qNorm: norm(), kNorm: norm(), rope: { cos: upload(be, [seq, d]), sin: upload(be, [seq, d]) } };
      return () => be.attention(qkv, opts);
    },
  };
}

function conv3x3(cin: number, cout: number, h: number, w: number, stride = 1): Case {
  const ho = Math.floor((h + 2 - 3) / stride) + 1, wo = Math.floor((w + 2 - 3) / stride) + 1;
  return {
    name: `conv3×3${stride > 1 ? ` s${stride}` : ''} ${cin}→${cout} at ${h}×${w}`,
    flop: 2 * cin * 9 * cout * ho * wo,
    setup(be) {
      const x = upload(be, [cin, h, w]), wt = upload(be, [cout, cin, 3, 3], 0.05), b = upload(be, [cout]);
      return () => be.conv2d(x, wt, b, { stride, pad: 1, activation: 'relu' });
    },
  };
}

function conv1x1(cin: number, cout: number, h: number, w: number): Case {
  return {
    name: `conv1×1 ${cin}→${cout} at ${h}×${w}`,
    flop: 2 * cin * cout * h * w,
    setup(be) {
      const x = upload(be, [cin, h, w]), wt = upload(be, [cout, cin, 1, 1], 0.05), b = upload(be, [cout]);
      return () => be.conv2d(x, wt, b);
    },
  };
}

const cases: Case[] = [
  gemm(864, 384, 1152),
  gemm(864, 768, 2304),
  gemm(864, 768, 3072, 'gelu'),
  gemm(864, 768, 3072), // fc1 without its GELU: the difference is the epilogue's cost
  gemm(864, 3072, 768),
  ...(['F16', 'Q8_0', 'Q4_K', 'Q6_K'] as const).flatMap((t) => [gemmStored(864, 768, 2304, t), gemmStored(864, 3072, 768, t)]),
  attention(865, 6, 64, false),
  attention(865, 12, 64, false),
  attention(865, 12, 64, true),
  conv3x3(64, 64, 96, 144),
  conv3x3(128, 128, 96, 144),
  conv3x3(128, 64, 192, 288),
  conv3x3(64, 32, 336, 504),
  conv3x3(32, 32, 336, 504),
  conv3x3(768, 768, 24, 36, 2),
  conv1x1(64, 64, 96, 144),
];

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const threadCounts = (argument('--threads') ?? '1,2').split(',').map(Number);
const filter = argument('--filter');
const rows: Record<string, string | number>[] = [];
for (const threads of threadCounts) {
  const be = await createWasmBackend({ threads, relaxedSimd: !process.argv.includes('--simd128') });
  const bench = new Bench({ time: 400, iterations: 5, warmupIterations: 2, throws: true });
  for (const c of cases) {
    if (filter && !c.name.includes(filter)) continue;
    const op = await c.setup(be);
    bench.add(c.name, () => be.release(op()));
  }
  bench.runSync();
  for (const task of bench.tasks) {
    const c = cases.find((x) => x.name === task.name)!;
    const result = task.result;
    if (result.state !== 'completed') throw new Error(`${task.name}: ${result.state}`);
    const best = result.latency.min;
    rows.push({
      kernel: c.name, threads: be.threads, build: be.relaxedSimd ? 'relaxed' : 'simd128',
      'best ms': +best.toFixed(2), 'median ms': +result.latency.p50.toFixed(2),
      'GF/s': +(c.flop / best / 1e6).toFixed(1),
      'of ceiling': `${Math.round((100 * c.flop) / best / 1e6 / (CEILING_PER_THREAD * threads))}%`,
    });
  }
  be.dispose();
}
console.table(rows);
