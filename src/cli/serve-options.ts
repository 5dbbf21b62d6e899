// Flags of `depth-anything serve`, checked and typed.
import { flagValue, flagValues, parseFlags, positiveIntegerFlag, type FlagKind, type Flags } from './args.ts';
import { parseWeightPrecision } from './depth-options.ts';
import type { ServeOptions } from '../server/server.ts';
import { UsageError } from './usage-error.ts';

/** The server's limits as ServeOptions has them, plus where to listen and what to load. */
export interface ServeCommandOptions extends Pick<ServeOptions, 'apiKey' | 'maxBodyBytes' | 'maxPixels' | 'timeoutMs' | 'maxQueued' | 'memoryBudgetBytes'> {
  models: string[];
  host: string;
  port: number;
  backend: string;
  threads?: number;
  weightPrecision?: 'f32' | 'f16';
}

const SERVE_FLAGS: Record<string, FlagKind> = {
  '--models': 'list', '--host': 'value', '--port': 'value', '--backend': 'value', '--threads': 'value',
  '--weights': 'value', '--api-key': 'value', '--max-body-mb': 'value', '--max-megapixels': 'value',
  '--timeout-s': 'value', '--queue': 'value', '--memory-mb': 'value',
};

/** `--models a b c` means `--models a --models b --models c`: every value up to the next flag. */
function expandModelLists(args: readonly string[]): string[] {
  const out: string[] = [];
  let inModels = false;
  let valuesSinceFlag = 0;
  for (const arg of args) {
    if (arg.startsWith('--')) {
      inModels = arg === '--models';
      valuesSinceFlag = 0;
    } else {
      if (inModels && valuesSinceFlag > 0) out.push('--models');
      valuesSinceFlag++;
    }
    out.push(arg);
  }
  return out;
}

function positiveNumberFlag(flags: Flags, name: string, fallback: number): number {
  const text = flagValue(flags, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(value > 0)) throw new UsageError(`${name} must be a positive number, got "${text}"`);
  return value;
}

function portFlag(flags: Flags): number {
  const text = flagValue(flags, '--port');
  if (text === undefined) return 8080;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be 0..65535 (0: any free port), got "${text}"`);
  return port;
}

export function parseServeOptions(args: readonly string[], env: Record<string, string | undefined> = process.env): ServeCommandOptions {
  const flags = parseFlags(expandModelLists(args), SERVE_FLAGS);
  const models = flagValues(flags, '--models');
  if (models.length === 0) throw new UsageError('serve: --models <dir|file.gguf ...> is required');
  const apiKey = flagValue(flags, '--api-key') ?? env.DEPTH_ANYTHING_API_KEY;
  if (apiKey !== undefined && apiKey.trim() === '') throw new UsageError('--api-key must not be empty');
  return {
    models,
    host: flagValue(flags, '--host') ?? '127.0.0.1',
    port: portFlag(flags),
    backend: flagValue(flags, '--backend') ?? 'auto',
    threads: positiveIntegerFlag(flags, '--threads'),
    weightPrecision: parseWeightPrecision(flagValue(flags, '--weights')),
    apiKey,
    maxBodyBytes: Math.round(positiveNumberFlag(flags, '--max-body-mb', 32) * 2 ** 20),
    maxPixels: Math.round(positiveNumberFlag(flags, '--max-megapixels', 40) * 1e6),
    timeoutMs: Math.round(positiveNumberFlag(flags, '--timeout-s', 120) * 1000),
    maxQueued: positiveIntegerFlag(flags, '--queue') ?? 8,
    memoryBudgetBytes: Math.round(positiveNumberFlag(flags, '--memory-mb', 4096) * 2 ** 20),
  };
}
