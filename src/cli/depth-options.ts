// Flags of `depth-anything depth`, checked and typed.
import type { Colormap } from '../export/depth-png.ts';
import { flagValue, flagValues, parseFlags, positiveIntegerFlag, requiredFlag, type FlagKind, type Flags } from './args.ts';
import { UsageError } from './usage-error.ts';

export interface DepthOptions {
  model: string;
  /** One image, or several views of one scene (multi-view, DA3 any-view models). */
  inputs: string[];
  /** Several inputs: per-view files are written as `<prefix>_view<i>.pfm|.png|.json`. */
  outPrefix?: string;
  pfm?: string;
  png?: string;
  pose?: string;
  /** Sky map (PFM) of models with a sky head (mono/metric, nested). */
  sky?: string;
  /** Cameras from the aux ray map instead of the camera decoder (aux GGUFs). */
  rayPose: boolean;
  /** DA3NESTED: the metric-branch GGUF paired with --model (the any-view file). */
  metricModel?: string;
  /** glTF binary point cloud + camera frustum (single input, pose-capable model). */
  glb?: string;
  /** COLMAP sparse model directory, binary or text files (single input, pose-capable model). */
  colmap?: { dir: string; format: 'bin' | 'txt' };
  colormap: Colormap;
  invert: boolean;
  backend?: string;
  /** Threads for the wasm backend; all cores unless given. */
  threads?: number;
  /** webgpu: linear weights as halves. */
  weightPrecision?: 'f32' | 'f16';
  /** Print one JSON object (per-view summary, files written) instead of the text lines. */
  json: boolean;
  /** Benchmark mode: run this many predictions, write nothing. */
  repeat?: number;
}

const DEPTH_FLAGS: Record<string, FlagKind> = {
  '--model': 'value',
  '--input': 'list',
  '--out-prefix': 'value',
  '--pfm': 'value',
  '--png': 'value',
  '--pose': 'value',
  '--sky': 'value',
  '--ray-pose': 'switch',
  '--metric-model': 'value',
  '--glb': 'value',
  '--colmap': 'value',
  '--colmap-txt': 'value',
  '--colormap': 'value',
  '--no-invert': 'switch',
  '--backend': 'value',
  '--threads': 'value',
  '--weights': 'value',
  '--repeat': 'value',
  '--json': 'switch',
};

/** --weights f32|f16 (webgpu: f16 stores linear weights as halves). */
export function parseWeightPrecision(text: string | undefined): 'f32' | 'f16' | undefined {
  if (text === undefined || text === 'f32' || text === 'f16') return text;
  throw new UsageError(`--weights must be f32 or f16, got "${text}"`);
}

function parseColormap(text: string | undefined): Colormap {
  if (text === undefined) return 'gray';
  if (text === 'gray' || text === 'turbo') return text;
  throw new UsageError(`--colormap must be gray or turbo, got "${text}"`);
}

function parseColmap(flags: Flags): DepthOptions['colmap'] {
  const bin = flagValue(flags, '--colmap');
  const txt = flagValue(flags, '--colmap-txt');
  if (bin !== undefined && txt !== undefined) throw new UsageError('depth: give only one of --colmap and --colmap-txt');
  if (bin !== undefined) return { dir: bin, format: 'bin' };
  if (txt !== undefined) return { dir: txt, format: 'txt' };
  return undefined;
}

export function parseDepthOptions(args: readonly string[]): DepthOptions {
  const flags = parseFlags(args, DEPTH_FLAGS);
  const inputs = flagValues(flags, '--input');
  if (inputs.length === 0) throw new UsageError('depth: --input is required');
  const repeat = positiveIntegerFlag(flags, '--repeat');
  if (repeat !== undefined && inputs.length > 1) throw new UsageError('depth: --repeat takes a single --input');
  const glb = flagValue(flags, '--glb');
  const colmap = parseColmap(flags);
  // The naming rule: one input writes the files named by --pfm/--png/--pose/--sky; several write
  // <prefix>_view<i>.* for each view, so those per-file flags would be ambiguous there.
  const perFile = ['--pfm', '--png', '--pose', '--sky'].filter((flag) => flagValue(flags, flag) !== undefined);
  if (inputs.length > 1 && perFile.length > 0) {
    throw new UsageError(`depth: with several --input each view writes <prefix>_view<i>.pfm/.png/.json; use --out-prefix <prefix> instead of ${perFile.join(', ')}`);
  }
  if (inputs.length === 1 && flagValue(flags, '--out-prefix') !== undefined) {
    throw new UsageError('depth: --out-prefix names the per-view files of several --input; with one input use --pfm/--png/--pose');
  }
  const rayPose = flags.has('--ray-pose');
  if (rayPose && flagValue(flags, '--pose') === undefined && glb === undefined && colmap === undefined && inputs.length === 1) {
    throw new UsageError('--ray-pose requires --pose <out.json>');
  }
  return {
    model: requiredFlag(flags, 'depth', '--model'),
    inputs,
    outPrefix: flagValue(flags, '--out-prefix'),
    pfm: flagValue(flags, '--pfm'),
    png: flagValue(flags, '--png'),
    pose: flagValue(flags, '--pose'),
    sky: flagValue(flags, '--sky'),
    rayPose,
    metricModel: flagValue(flags, '--metric-model'),
    glb,
    colmap,
    colormap: parseColormap(flagValue(flags, '--colormap')),
    invert: !flags.has('--no-invert'),
    backend: flagValue(flags, '--backend'),
    threads: positiveIntegerFlag(flags, '--threads'),
    weightPrecision: parseWeightPrecision(flagValue(flags, '--weights')),
    json: flags.has('--json'),
    repeat,
  };
}
