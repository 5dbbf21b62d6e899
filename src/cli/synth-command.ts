// `depth-anything synth --preset P --out FILE.gguf [--seed N] [--with-aux]`: writes a random-weight
// model with the exact layout of depth-anything.cpp's converter output, for benchmarks and tests
// without the real checkpoints. The file is streamed tensor by tensor to a temporary name next to
// the output and renamed into place only when complete.
import { SYNTH_PRESETS, synthesizeChunks, synthesizedFileSize, synthPreset, type SynthSpec } from '../synth/index.ts';
import { flagValue, parseFlags, requiredFlag } from './args.ts';
import { writeFileAtomically } from './atomic-file.ts';
import { withProgress } from './progress.ts';
import { UsageError } from './usage-error.ts';

/** Streams the synthesized file to `path` (all or nothing); resolves to its size in bytes. */
export async function writeSynthFile(path: string, spec: SynthSpec): Promise<number> {
  const chunks = synthesizeChunks(spec);
  const first = chunks.next(); // validates the spec before any file is created
  function* all(): Generator<Uint8Array> {
    for (let chunk = first; !chunk.done; chunk = chunks.next()) yield chunk.value;
  }
  return writeFileAtomically(path, withProgress(`writing ${path}`, all(), synthesizedFileSize(spec)), '--out');
}

function parseSeed(text: string | undefined): number {
  if (text === undefined) return 0;
  const seed = Number(text);
  if (!/^\d+$/.test(text) || seed > 0xffffffff) throw new UsageError(`--seed must be an integer in [0, 4294967295], got "${text}"`);
  return seed;
}

export async function runSynth(args: readonly string[]): Promise<void> {
  const flags = parseFlags(args, { '--preset': 'value', '--out': 'value', '--seed': 'value', '--with-aux': 'switch' });
  const preset = requiredFlag(flags, 'synth', '--preset');
  const out = requiredFlag(flags, 'synth', '--out');
  const seed = parseSeed(flagValue(flags, '--seed'));
  const withAux = flags.has('--with-aux');
  const base = SYNTH_PRESETS.get(preset);
  if (!base) throw new UsageError(`synth: unknown preset '${preset}' (available: ${[...SYNTH_PRESETS.keys()].join(', ')})`);
  if (withAux && base.family !== 'da3') throw new UsageError(`synth: --with-aux applies to DA3 any-view presets only, not ${preset}`);
  const spec = synthPreset(preset, { seed, ...(withAux ? { withAux } : {}) });
  const started = performance.now();
  const size = await writeSynthFile(out, spec);
  const ms = Math.round(performance.now() - started);
  process.stdout.write(`wrote ${out}: ${preset}${withAux ? ' with aux' : ''}, seed ${seed}, ${size} bytes in ${ms} ms\n`);
}
