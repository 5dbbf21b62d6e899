// What a synthetic model looks like: the architecture hyper-parameters that decide every tensor
// shape and metadata value of a depth-anything.cpp converter file, and the weight seed.

export type SynthFamily =
  /** Any-view DA3 (small/base/large/giant, nested "anyview"): DualDPT head + camera decoder (convert_da3_to_gguf.py). */
  | 'da3'
  /** DA3MONO-LARGE / DA3METRIC-LARGE: DPT head with sky head (convert_mono_to_gguf.py). Loaders call it metric when the checkpoint name says "metric". */
  | 'da3-mono'
  /** The nested model's metric file: the da3-mono layout under `m_vit.` / `m_head.`, no `img.*` keys (convert_nested_to_gguf.py). */
  | 'da3-nested-metric'
  /** Depth Anything V2, relative or (with maxDepth) metric (convert_da2_to_gguf.py). */
  | 'da2';

export interface SynthSpec {
  readonly family: SynthFamily;
  /** Written as `depthanything3.checkpoint_name`. */
  readonly checkpointName: string;
  readonly embedDim: number;
  /** Transformer blocks. */
  readonly depth: number;
  readonly numHeads: number;
  readonly ffn: 'mlp' | 'swiglu';
  /** FFN hidden width: fc1 outputs (mlp) or w3 inputs (swiglu; w12 outputs twice as many). */
  readonly ffnHidden: number;
  /** The four blocks whose outputs feed the head. */
  readonly outLayers: readonly number[];
  /** da3 only: first block with the camera token, RoPE, QK-norm and alternating attention. */
  readonly altStart?: number;
  readonly headFeatures: number;
  /** The head's four projection widths. */
  readonly headOutChannels: readonly number[];
  /** da3 only: the auxiliary ray head (`--with-aux`). */
  readonly withAux?: boolean;
  /** da3 only: the 3D-Gaussian head (`gs.*`, giant), same features and widths as the depth head. */
  readonly gaussianHead?: boolean;
  /** da2 only: metric output range in metres (20 Hypersim, 80 VKITTI); absent or 0 = relative. */
  readonly maxDepth?: number;
  /** Weight seed (unsigned 32-bit); default 0. */
  readonly seed?: number;
}

/** ViT patch size and position-embedding grid of every official model (518 / 14 = 37). */
export const PATCH_SIZE = 14;
export const POS_EMBED_GRID = 37;
/** Largest accepted width: far above the giant's, far below anything that would exhaust memory. */
const MAX_WIDTH = 1 << 16;

/** The spec with defaults filled in; throws an Error naming the first invalid field. */
export function checkSpec(spec: SynthSpec): Required<SynthSpec> {
  const fail = (msg: string): never => {
    throw new Error(`synth: ${msg}`);
  };
  const families: readonly SynthFamily[] = ['da3', 'da3-mono', 'da3-nested-metric', 'da2'];
  if (!families.includes(spec.family)) fail(`unknown family '${String(spec.family)}' (expected ${families.join(', ')})`);
  const isDa3 = spec.family === 'da3';
  const size = (name: string, v: unknown): void => {
    if (!Number.isInteger(v) || (v as number) < 1 || (v as number) > MAX_WIDTH) fail(`${name} = ${String(v)} must be an integer in [1, ${MAX_WIDTH}]`);
  };
  if (typeof spec.checkpointName !== 'string') fail('checkpointName must be a string');
  size('embedDim', spec.embedDim);
  size('depth', spec.depth);
  size('numHeads', spec.numHeads);
  size('ffnHidden', spec.ffnHidden);
  size('headFeatures', spec.headFeatures);
  if (spec.ffn !== 'mlp' && spec.ffn !== 'swiglu') fail(`ffn '${String(spec.ffn)}' must be 'mlp' or 'swiglu'`);
  if (spec.embedDim % spec.numHeads !== 0) fail(`embedDim ${spec.embedDim} is not a multiple of numHeads ${spec.numHeads}`);
  const four = (name: string, v: readonly number[] | undefined, check: (x: number) => boolean, what: string): void => {
    if (!Array.isArray(v) || v.length !== 4 || !v.every(check)) fail(`${name} [${String(v)}] must be 4 ${what}`);
  };
  four('outLayers', spec.outLayers, (l) => Number.isInteger(l) && l >= 0 && l < spec.depth, `block indices below depth ${spec.depth}`);
  four('headOutChannels', spec.headOutChannels, (c) => Number.isInteger(c) && c >= 1 && c <= MAX_WIDTH, 'positive widths');
  // out1 halves the features; the Gaussian head's merger uses features/8.
  if (spec.headFeatures % (spec.gaussianHead ? 8 : 2) !== 0) fail(`headFeatures ${spec.headFeatures} must be a multiple of ${spec.gaussianHead ? 8 : 2}`);

  const altStart = spec.altStart ?? -1;
  if (isDa3) {
    if (!Number.isInteger(altStart) || altStart < 0 || altStart >= spec.depth) fail(`altStart = ${altStart} must be a block index below depth ${spec.depth} for family da3`);
    if ((spec.embedDim / spec.numHeads) % 4 !== 0) fail(`head dim ${spec.embedDim / spec.numHeads} must be a multiple of 4 (2-D RoPE)`);
  } else {
    if (altStart !== -1) fail(`altStart applies to family da3 only (got ${altStart} for ${spec.family})`);
    if (spec.withAux) fail(`withAux applies to family da3 only`);
    if (spec.gaussianHead) fail(`gaussianHead applies to family da3 only`);
  }
  const maxDepth = spec.maxDepth ?? 0;
  if (maxDepth !== 0) {
    if (spec.family !== 'da2') fail(`maxDepth applies to family da2 only`);
    if (!(maxDepth > 0) || !Number.isFinite(maxDepth)) fail(`maxDepth = ${maxDepth} must be a positive number`);
  }
  const seed = spec.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) fail(`seed = ${seed} must be an integer in [0, 2^32)`);
  return { ...spec, altStart, withAux: spec.withAux ?? false, gaussianHead: spec.gaussianHead ?? false, maxDepth, seed };
}
