// depth-anything.cpp's per-tensor type policy (src/quantize.cpp; reference/gguf-io-cli.md §1.6):
// only the ViT blocks' and the camera decoder's matmul weights are quantized, only when 2-D, and a
// K-quant falls back to Q8_0 where the row is not a whole number of 256-element super-blocks.

import { ggmlNDims } from '../../gguf/shape.ts';
import { GGML_TYPE } from '../../gguf/types.ts';

export interface QuantizeTarget {
  /** Lower-case name as given on the command line, e.g. "q4_k". */
  readonly name: string;
  /** ggml type id. */
  readonly type: number;
  /** K-quants (256-element super-blocks) fall back to Q8_0 on rows that are a multiple of 32 only. */
  readonly kQuant: boolean;
}

/** The types depth-anything.cpp's quantizer accepts. */
export const CPP_QUANTIZE_TYPES = ['f16', 'q8_0', 'q6_k', 'q5_k', 'q4_k'] as const;

/** Every type this port accepts: the C++ set, plus the other reference-quantized types under the same policy. */
const TARGETS: ReadonlyMap<string, QuantizeTarget> = new Map(
  ([
    ['f16', GGML_TYPE.F16, false], ['q8_0', GGML_TYPE.Q8_0, false], ['q6_k', GGML_TYPE.Q6_K, true],
    ['q5_k', GGML_TYPE.Q5_K, true], ['q4_k', GGML_TYPE.Q4_K, true],
    ['bf16', GGML_TYPE.BF16, false], ['q5_1', GGML_TYPE.Q5_1, false], ['q5_0', GGML_TYPE.Q5_0, false],
    ['q4_1', GGML_TYPE.Q4_1, false], ['q4_0', GGML_TYPE.Q4_0, false], ['q3_k', GGML_TYPE.Q3_K, true],
    ['q2_k', GGML_TYPE.Q2_K, true],
  ] as const).map(([name, type, kQuant]) => [name, { name, type, kQuant }]),
);

/** The target for a type name (case-insensitive); throws naming the accepted ones. */
export function quantizeTarget(name: string): QuantizeTarget {
  const target = TARGETS.get(name.toLowerCase());
  if (!target) {
    const extra = [...TARGETS.keys()].filter((t) => !(CPP_QUANTIZE_TYPES as readonly string[]).includes(t));
    throw new Error(`quantize: unknown type '${name}' (expected ${CPP_QUANTIZE_TYPES.join('/')}, or ${extra.join('/')})`);
  }
  return target;
}

const QUANTIZABLE = [
  /^vit\.blk\.[0-9]+\.(attn_qkv|attn_proj|mlp_fc1|mlp_fc2|mlp_w12|mlp_w3)\.weight$/,
  /^cam\.(bb0|bb2|fc_t|fc_q|fc_fov)\.weight$/,
];

/** What happens to one tensor: kept as stored, converted to the target, or to Q8_0 instead of a K-quant. */
export type TensorAction = 'keep' | 'target' | 'fallback';

/**
 * The action for tensor `name` (ggml ne `dims`) in a `target` file. Nested metric files (`m_vit.*`)
 * never match, so they come out unchanged.
 */
export function chooseTensorAction(name: string, dims: readonly number[], target: QuantizeTarget): TensorAction {
  if (!QUANTIZABLE.some((re) => re.test(name)) || ggmlNDims(dims) !== 2) return 'keep';
  const rowLength = dims[0];
  if (rowLength % 32 !== 0) return 'keep';
  return target.kQuant && rowLength % 256 !== 0 ? 'fallback' : 'target';
}
