// Whole-model timing: load time, forward time at 504×336 and peak RSS, for any official
// configuration without its checkpoint (random weights from src/synth) or for a given GGUF.
// On webgpu also the GPU memory held by tensors after the runs (weights, activations, pool).
//
//   node bench/model.ts --preset da3-small --backend wasm --threads 2 --runs 5
//   node bench/model.ts --preset da3-base --backend webgpu --views 4 --runs 10
//   node bench/model.ts --model path/to/model.gguf --runs 3
//
// The forward input is a fixed synthetic normalized image, so every run and backend sees the
// same numbers; image decoding and resizing are not part of the timings.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flagValue, parseFlags, positiveIntegerFlag } from '../src/cli/args.ts';
import { writeSynthFile } from '../src/cli/synth-command.ts';
import { summarizeTimings } from '../src/cli/timing-summary.ts';
import { createBackendByName } from '../src/backend/select-backend.ts';
import type { WebGpuBackend } from '../src/backend/webgpu/index.ts';
import { loadModel } from '../src/model/load.ts';
import { fileSource } from '../src/node.ts';
import { synthPreset } from '../src/synth/index.ts';
import { syntheticInput } from './synthetic-input.ts';

const WIDTH = 504;
const HEIGHT = 336;

const ms = (v: number) => v.toFixed(1);

async function main(argv: readonly string[]): Promise<void> {
  const flags = parseFlags(argv, { '--preset': 'value', '--model': 'value', '--backend': 'value', '--threads': 'value', '--runs': 'value', '--seed': 'value', '--views': 'value' });
  const preset = flagValue(flags, '--preset') ?? 'da3-small';
  const backend = flagValue(flags, '--backend') ?? 'reference';
  const threads = positiveIntegerFlag(flags, '--threads');
  const runs = positiveIntegerFlag(flags, '--runs') ?? 5;
  const seed = Number(flagValue(flags, '--seed') ?? 0);
  const views = positiveIntegerFlag(flags, '--views') ?? 1;

  let modelPath = flagValue(flags, '--model');
  let scratch: string | undefined;
  try {
    if (modelPath === undefined) {
      scratch = await mkdtemp(join(tmpdir(), 'da-bench-'));
      modelPath = join(scratch, `${preset}.gguf`);
      const start = performance.now();
      const bytes = await writeSynthFile(modelPath, synthPreset(preset, { seed }));
      console.log(`synth: ${preset} ${(bytes / 2 ** 20).toFixed(1)} MiB in ${ms(performance.now() - start)} ms`);
    }

    const loadStart = performance.now();
    const source = await fileSource(modelPath);
    try {
      const { backend: be, note } = await createBackendByName(backend, threads ? { threads } : {});
      const model = await loadModel(source, { backend: be });
      const loadMs = performance.now() - loadStart;
      console.log(`model: ${model.info.checkpointName} (${model.config.family}), backend ${be.description ?? be.name}${note ? `; ${note}` : ''}`);
      console.log(`load: ${ms(loadMs)} ms${be.name === 'webgpu' ? ' (weights streamed into GPU buffers)' : ''}`);
      const input = syntheticInput(HEIGHT, WIDTH, views);
      try {
        await model.forward(input); // warm-up: caches, JIT, lazily packed weights
        const times: number[] = [];
        for (let i = 0; i < runs; i++) {
          const start = performance.now();
          await model.forward(input);
          times.push(performance.now() - start);
        }
        const t = summarizeTimings(times);
        if (be.name === 'webgpu') console.log(`GPU memory: ${((be as WebGpuBackend).gpuBytes / 2 ** 20).toFixed(0)} MiB in tensor buffers (weights, activations, pool)`);
        console.log(`forward ${views > 1 ? `${views}×` : ''}${WIDTH}x${HEIGHT}: median ${ms(t.median)} ms, min ${ms(t.min)} ms, max ${ms(t.max)} ms (${runs} runs after 1 warm-up)`);
      } finally {
        model.dispose();
        be.dispose();
      }
    } finally {
      await source.close();
    }
    // maxRSS is in KiB; it covers the whole process, synthesis included (which streams: ~one tensor).
    console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  } finally {
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
  }
}

try {
  await main(process.argv.slice(2));
} catch (e) {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
}
