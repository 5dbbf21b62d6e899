// Flags of `depth-anything depth`, checked and typed.
import type { Colormap } from '../export/depth-png.ts';
import { flagValue, parseFlags, positiveIntegerFlag, requiredFlag, type FlagKind } from './args.ts';
import { UsageError } from './usage-error.ts';

export interface DepthOptions {
  model: string;
  input: string;
  pfm?: string;
  png?: string;
  pose?: string;
  colormap: Colormap;
  invert: boolean;
  backend?: string;
  /** Threads for the wasm backend; all cores unless given. */
  threads?: number;
  /** Benchmark mode: run this many predictions, write nothing. */
  repeat?: number;
}

const DEPTH_FLAGS: Record<string, FlagKind> = {
  '--model': 'value',
  '--input': 'value',
  '--pfm': 'value',
  '--png': 'value',
  '--pose': 'value',
  '--colormap': 'value',
  '--no-invert': 'switch',
  '--backend': 'value',
  '--threads': 'value',
  '--repeat': 'value',
};

function parseColormap(text: string | undefined): Colormap {
  if (text === undefined) return 'gray';
  if (text === 'gray' || text === 'turbo') return text;
  throw new UsageError(`--colormap must be gray or turbo, got "${text}"`);
}

export function parseDepthOptions(args: readonly string[]): DepthOptions {
  const flags = parseFlags(args, DEPTH_FLAGS);
  return {
    model: requiredFlag(flags, 'depth', '--model'),
    input: requiredFlag(flags, 'depth', '--input'),
    pfm: flagValue(flags, '--pfm'),
    png: flagValue(flags, '--png'),
    pose: flagValue(flags, '--pose'),
    colormap: parseColormap(flagValue(flags, '--colormap')),
    invert: !flags.has('--no-invert'),
    backend: flagValue(flags, '--backend'),
    threads: positiveIntegerFlag(flags, '--threads'),
    repeat: positiveIntegerFlag(flags, '--repeat'),
  };
}
