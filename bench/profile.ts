// Per-op profile of one forward pass: milliseconds, GFLOP/s and GB/s per op type and per shape,
// for a random-weight official configuration at 504×336 on the wasm or webgpu backend.
//
//   node bench/profile.ts --preset da3-base --threads 2 [--runs 2] [--top 25]
//   node bench/profile.ts --preset da3-base --backend webgpu [--views 4]
//
// One warm-up forward (weight packing, JIT, pipeline compilation), then `runs` profiled
// forwards averaged. wasm: op times are wall times around each call, and "other" is the forward
// time outside backend calls (host-side work in src/model and src/nn). webgpu: op times are GPU
// timestamps around each dispatch (every dispatch in its own pass while profiling, which adds a
// little), and "other" is everything else: encoding on the CPU, submits, readback waits.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagValue, parseFlags, positiveIntegerFlag } from '../src/cli/args.ts';
import { writeSynthFile } from '../src/cli/synth-command.ts';
import { createWasmBackend } from '../src/backend/wasm/index.ts';
import { createWebGpuBackend, type WebGpuBackend } from '../src/backend/webgpu/index.ts';
import { loadModel } from '../src/model/load.ts';
import { fileSource } from '../src/node.ts';
import { synthPreset } from '../src/synth/index.ts';
import { syntheticInput } from './synthetic-input.ts';
import { ProfilingBackend, type OpRecord } from './profiling-backend.ts';

const WIDTH = 504;
const HEIGHT = 336;

interface Row {
  name: string;
  calls: number;
  ms: number;
  flop: number;
  bytes: number;
}

function merge(records: readonly OpRecord[], key: (r: OpRecord) => string): Row[] {
  const rows = new Map<string, Row>();
  for (const r of records) {
    const name = key(r);
    const row = rows.get(name) ?? { name, calls: 0, ms: 0, flop: 0, bytes: 0 };
    row.calls += r.calls;
    row.ms += r.ms;
    row.flop += r.flop;
    row.bytes += r.bytes;
    rows.set(name, row);
  }
  return [...rows.values()].sort((a, b) => b.ms - a.ms);
}

function table(title: string, rows: readonly Row[], total: number, runs: number): string {
  const lines = [`| ${title} | calls | ms | share | GFLOP | GF/s | GB/s |`, '|---|---:|---:|---:|---:|---:|---:|'];
  for (const r of rows) {
    const ms = r.ms / runs;
    const gf = r.flop / runs / 1e9;
    lines.push(`| ${r.name} | ${r.calls / runs} | ${ms.toFixed(1)} | ${(100 * ms / total).toFixed(1)} % | ${gf ? gf.toFixed(2) : ''} | ${gf ? (gf / ms * 1e3).toFixed(1) : ''} | ${r.bytes && ms ? (r.bytes / runs / ms / 1e6).toFixed(1) : ''} |`);
  }
  return lines.join('\n');
}

async function main(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, { '--preset': 'value', '--threads': 'value', '--runs': 'value', '--top': 'value', '--backend': 'value', '--views': 'value' });
  const backend = flagValue(flags, '--backend') ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'webgpu') throw new Error(`--backend must be wasm or webgpu, got ${backend}`);
  const views = positiveIntegerFlag(flags, '--views') ?? 1;
  const preset = flagValue(flags, '--preset') ?? 'da3-base';
  const threads = positiveIntegerFlag(flags, '--threads') ?? 2;
  const runs = positiveIntegerFlag(flags, '--runs') ?? 2;
  const top = positiveIntegerFlag(flags, '--top') ?? 25;

  const scratch = await mkdtemp(join(tmpdir(), 'da-profile-'));
  try {
    const path = join(scratch, `${preset}.gguf`);
    await writeSynthFile(path, synthPreset(preset, { seed: 0 }));
    const source = await fileSource(path);
    const gpu = backend === 'webgpu' ? await createWebGpuBackend() : undefined;
    const be = new ProfilingBackend(gpu ?? await createWasmBackend({ threads }));
    try {
      const model = await loadModel(source, { backend: be });
      const input = syntheticInput(HEIGHT, WIDTH, views);
      await model.forward(input); // warm-up: packing, JIT, pipelines
      be.reset();
      gpu?.startTiming();
      let elapsed = 0;
      for (let i = 0; i < runs; i++) {
        const start = performance.now();
        await model.forward(input);
        elapsed += performance.now() - start;
      }
      const total = elapsed / runs;
      const records = be.records().filter((r) => r.op !== 'upload' || r.calls > 0);
      if (gpu) {
        const gpuMs = await gpu.stopTiming();
        for (const r of records) r.ms = gpuMs.get(`${r.op} ${r.detail}`) ?? 0;
      }
      const inOps = records.reduce((s, r) => s + r.ms, 0) / runs;
      const byOp = merge(records, (r) => r.op);
      byOp.push({ name: 'other (host)', calls: 0, ms: (total - inOps) * runs, flop: 0, bytes: 0 });
      const what = gpu ? (gpu as WebGpuBackend).description : `wasm, ${threads} threads`;
      console.log(`${preset}, ${what}, ${views > 1 ? `${views}×` : ''}${WIDTH}×${HEIGHT}: forward ${total.toFixed(1)} ms (mean of ${runs})\n`);
      console.log(table('op', byOp, total, runs));
      console.log('');
      console.log(table('op · shape', merge(records, (r) => `${r.op} ${r.detail}`).slice(0, top), total, runs));
    } finally {
      be.dispose();
      await source.close();
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  console.error(`profile: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
