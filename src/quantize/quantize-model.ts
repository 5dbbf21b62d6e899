// GGUF -> quantized GGUF, as depth-anything.cpp's `quantize` writes it: every KV copied in order,
// each tensor either kept byte for byte or dequantized to f32 and re-encoded with ggml's reference
// quantizer, dims stored the way ggml's writer stores them (trailing 1s dropped), tensors in input
// order. Tensors are produced one at a time so multi-GB models stream through.

import { canDequantize, dequantize } from '../../gguf/dequantize.ts';
import { quantize } from '../../gguf/quantize.ts';
import { readGguf, readTensorBytes, type GgufFile } from '../../gguf/reader.ts';
import { ggmlDims } from '../../gguf/shape.ts';
import type { ByteSource } from '../../gguf/source.ts';
import { GGML_TYPE, requireGgmlType } from '../../gguf/types.ts';
import { alignmentPadding, writeGgufHeader } from '../../gguf/writer.ts';
import { chooseTensorAction, quantizeTarget, type QuantizeTarget, type TensorAction } from './policy.ts';

export interface QuantizedTensorPlan {
  readonly name: string;
  /** ggml ne as written (ggmlDims of the input's). */
  readonly dims: readonly number[];
  readonly inputType: number;
  readonly action: TensorAction;
  /** inputType when kept; a converted tensor is re-encoded even when this equals inputType (F16 -> f16), as in the C++. */
  readonly outputType: number;
}

export interface QuantizePlan {
  readonly target: QuantizeTarget;
  readonly tensors: readonly QuantizedTensorPlan[];
}

/** Decides every tensor's output type; throws if a tensor to re-encode has a type that cannot be decoded. */
export function planQuantization(file: GgufFile, type: string): QuantizePlan {
  const target = quantizeTarget(type);
  const tensors = [...file.tensors.values()].map((t) => {
    const action = chooseTensorAction(t.name, t.dims, target);
    const outputType = action === 'keep' ? t.type : action === 'target' ? target.type : GGML_TYPE.Q8_0;
    if (action !== 'keep' && !canDequantize(t.type)) {
      throw new Error(`quantize: tensor '${t.name}' is ${t.typeName}, which cannot be converted to ${requireGgmlType(outputType).name}`);
    }
    return { name: t.name, dims: ggmlDims(t.dims), inputType: t.type, action, outputType };
  });
  return { target, tensors };
}

/** depth-anything.cpp's summary: `N quantized (<type>), M kept f32[, K q8_0 fallback]`. */
export function describeQuantization(plan: QuantizePlan): string {
  const count = (action: TensorAction) => plan.tensors.filter((t) => t.action === action).length;
  const [quantized, kept, fallback] = [count('target'), count('keep'), count('fallback')];
  return `${quantized} quantized (${plan.target.name}), ${kept} kept f32${fallback > 0 ? `, ${fallback} q8_0 fallback` : ''}`;
}

/**
 * A faster encoder for some types (the wasm kernels'), byte-identical to gguf/quantize.ts;
 * undefined for a type it does not do.
 */
export type Encoder = (type: number, values: Float32Array) => Uint8Array | undefined;

/**
 * The output file as consecutive chunks: header, then each tensor's bytes and zero padding. Each
 * tensor is read (and converted) only when its chunk is requested.
 */
export async function* quantizedChunks(
  file: GgufFile, source: ByteSource, plan: QuantizePlan, encode?: Encoder, onTensor?: (index: number, count: number) => void,
): AsyncGenerator<Uint8Array, void, undefined> {
  const header = writeGgufHeader({ kv: file.kv, tensors: plan.tensors.map(({ name, dims, outputType }) => ({ name, dims, type: outputType })) });
  yield header;
  const zeros = new Uint8Array(file.alignment);
  for (const [index, t] of plan.tensors.entries()) {
    onTensor?.(index, plan.tensors.length);
    const input = file.tensors.get(t.name)!;
    const stored = await readTensorBytes(file, source, t.name);
    let data = stored;
    if (t.action !== 'keep') {
      const values = t.inputType === GGML_TYPE.F32 && stored.byteOffset % 4 === 0
        ? new Float32Array(stored.buffer, stored.byteOffset, input.nelements)
        : dequantize(t.inputType, stored, input.nelements);
      data = encode?.(t.outputType, values) ?? quantize(t.outputType, values);
    }
    if (data.byteLength > 0) yield data;
    const pad = alignmentPadding(data.byteLength, file.alignment);
    if (pad > 0) yield zeros.subarray(0, pad);
  }
}

/** Quantizes a whole model held in memory (small models, tests); use quantizedChunks to stream large ones. */
export async function quantizeModel(source: ByteSource, type: string, encode?: Encoder): Promise<{ plan: QuantizePlan; chunks: Uint8Array[] }> {
  const file = await readGguf(source);
  const plan = planQuantization(file, type);
  const chunks: Uint8Array[] = [];
  for await (const chunk of quantizedChunks(file, source, plan, encode)) chunks.push(chunk);
  return { plan, chunks };
}
