// Random-weight GGUF files laid out exactly like depth-anything.cpp's converter output (same
// KVs, tensor names, order, shapes, F32), generated one tensor at a time so even the giant
// (~5 GB) never needs more memory than its largest tensor.

import { alignmentPadding } from '../../gguf/writer.ts';
import { GGUF_DEFAULT_ALIGNMENT } from '../../gguf/reader.ts';
import { Random, tensorSeed } from '../random.ts';
import { checkSpec, layoutHeader, planTensors, type PlannedTensor, type SynthSpec } from '../converter-layout/index.ts';
import { fillWeights } from './weight-init.ts';

const elementCount = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

/** Total file size in bytes. */
export function synthesizedFileSize(spec: SynthSpec): number {
  let size = layoutHeader(spec).byteLength;
  for (const t of planTensors(spec)) {
    const nbytes = 4 * elementCount(t.dims);
    size += nbytes + alignmentPadding(nbytes, GGUF_DEFAULT_ALIGNMENT);
  }
  return size;
}

/** One tensor's weights, from its own stream of the model seed. */
function synthesizeTensor(tensor: PlannedTensor, seed: number): Float32Array {
  const values = new Float32Array(elementCount(tensor.dims));
  fillWeights(values, tensor.init, new Random(tensorSeed(seed, tensor.name)));
  return values;
}

/**
 * The file as consecutive chunks: the header, then each tensor's bytes (little-endian F32,
 * as typed arrays are on every platform we run on) and zero padding. Each tensor is generated
 * when its chunk is requested, so a consumer that writes chunks as they come holds one at a time.
 */
export function* synthesizeChunks(input: SynthSpec): Generator<Uint8Array, void, undefined> {
  const spec = checkSpec(input);
  yield layoutHeader(spec);
  const zeros = new Uint8Array(GGUF_DEFAULT_ALIGNMENT);
  for (const tensor of planTensors(spec)) {
    const values = synthesizeTensor(tensor, spec.seed);
    yield new Uint8Array(values.buffer);
    const pad = alignmentPadding(values.byteLength, GGUF_DEFAULT_ALIGNMENT);
    if (pad > 0) yield zeros.subarray(0, pad);
  }
}

/** The whole file as chunks, all in memory: for small models (use synthesizeChunks to stream large ones). */
export function synthesizeModel(spec: SynthSpec): Uint8Array[] {
  return [...synthesizeChunks(spec)];
}
