// `depth-anything convert --checkpoint <dir|file.pth> --out <file.gguf> [--metric-out <file.gguf>]
// [--with-aux] [--encoder vits|vitb|vitl|vitg] [--name N] [--max-depth D]`: an official checkpoint
// to the exact GGUF(s) depth-anything.cpp's converters write. A folder is a DA3 checkpoint
// (model.safetensors + model_config.yaml; nested checkpoints write --out and --metric-out), a file
// a DA2 .pth (with an optional model_config.json beside it).
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { ByteSource } from '../../gguf/source.ts';
import { convertDa2Checkpoint, convertDa3Checkpoint, type ConvertedModel } from '../convert/index.ts';
import { fileSource } from '../node.ts';
import { flagValue, parseFlags, requiredFlag, type Flags } from './args.ts';
import { writeFileAtomically } from './atomic-file.ts';
import { withProgress } from './progress.ts';
import { describeFsError } from './fs-error.ts';
import { UsageError } from './usage-error.ts';

const FLAGS = {
  '--checkpoint': 'value', '--out': 'value', '--metric-out': 'value', '--with-aux': 'switch',
  '--encoder': 'value', '--name': 'value', '--max-depth': 'value',
} as const;

function forbid(flags: Flags, names: readonly string[], why: string): void {
  const given = names.find((n) => flags.has(n));
  if (given) throw new UsageError(`convert: ${given} ${why}`);
}

async function convertDa2(path: string, flags: Flags, open: (p: string) => Promise<ByteSource>): Promise<ConvertedModel[]> {
  forbid(flags, ['--with-aux', '--metric-out'], 'applies to DA3 checkpoint folders only');
  const encoder = requiredFlag(flags, 'convert', '--encoder');
  const maxDepthText = flagValue(flags, '--max-depth');
  const maxDepth = maxDepthText === undefined ? 0 : Number(maxDepthText);
  if (!(maxDepth >= 0) || !Number.isFinite(maxDepth)) throw new UsageError(`--max-depth must be a non-negative number, got "${maxDepthText}"`);
  const configPath = join(dirname(path), 'model_config.json');
  const configText = await readFile(configPath, 'utf8').catch(() => undefined);
  let config: unknown;
  try {
    config = configText === undefined ? undefined : JSON.parse(configText);
  } catch (e) {
    throw new Error(`${configPath} is not valid JSON (${(e as Error).message})`);
  }
  const name = flagValue(flags, '--name') ?? basename(path);
  return [await convertDa2Checkpoint(await open(path), { encoder, name, maxDepth, config })];
}

async function convertDa3(dir: string, flags: Flags, open: (p: string) => Promise<ByteSource>): Promise<ConvertedModel[]> {
  forbid(flags, ['--encoder', '--name', '--max-depth'], 'applies to DA2 .pth checkpoints only (a DA3 checkpoint is named after its folder)');
  const folder = {
    name: basename(resolve(dir)),
    open: async (file: string) => ((await stat(join(dir, file)).catch(() => undefined))?.isFile() ? open(join(dir, file)) : undefined),
  };
  return convertDa3Checkpoint(folder, { withAux: flags.has('--with-aux') });
}

export async function runConvert(args: readonly string[]): Promise<void> {
  const flags = parseFlags(args, FLAGS);
  const checkpoint = requiredFlag(flags, 'convert', '--checkpoint');
  const out = requiredFlag(flags, 'convert', '--out');
  const info = await stat(checkpoint).catch((e: unknown) => {
    throw new Error(`cannot read --checkpoint ${checkpoint}: ${describeFsError(e)}`);
  });
  const opened: { close(): Promise<void> }[] = [];
  const open = async (path: string): Promise<ByteSource> => {
    const source = await fileSource(path).catch((e: unknown) => {
      throw new Error(`cannot read ${path}: ${describeFsError(e)}`);
    });
    opened.push(source);
    return source;
  };
  try {
    const models = info.isDirectory() ? await convertDa3(checkpoint, flags, open) : await convertDa2(checkpoint, flags, open);
    const metricOut = flagValue(flags, '--metric-out');
    const nested = models.length > 1;
    if (nested && metricOut === undefined) throw new UsageError('convert: a nested checkpoint writes two files: give --metric-out for the metric one');
    if (!nested && metricOut !== undefined) throw new UsageError('convert: --metric-out applies to nested checkpoints only');
    for (const model of models) {
      const path = model.role === 'metric' ? metricOut! : out;
      await writeFileAtomically(path, withProgress(`writing ${path}`, model.chunks()), model.role === 'metric' ? '--metric-out' : '--out');
      process.stdout.write(`wrote ${path} (${model.spec.checkpointName})\n`);
    }
  } finally {
    for (const source of opened) await source.close();
  }
}
