// safetensors checkpoints read through a ByteSource: only the JSON header is read up front, each
// tensor's bytes when asked for, so multi-GB files never have to fit in memory.

import type { ByteSource } from '../../gguf/source.ts';
import { DTYPE_BYTES, elementCount, type CheckpointDtype, type CheckpointTensor, type CheckpointTensors } from './checkpoint-tensors.ts';

/** A header of more than this is not a model's (the giant's is a few hundred KB). */
const MAX_HEADER_BYTES = 100 << 20;

export async function readSafetensorsCheckpoint(source: ByteSource): Promise<CheckpointTensors> {
  const fail = (message: string): never => {
    throw new Error(`safetensors: ${message}`);
  };
  if (source.size < 8) fail(`file is ${source.size} bytes, shorter than its 8-byte header length`);
  const headerLength = Number(new DataView((await source.read(0, 8)).slice().buffer).getBigUint64(0, true));
  if (headerLength > source.size - 8 || headerLength > MAX_HEADER_BYTES) fail(`header length ${headerLength} does not fit the file (size ${source.size})`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(await source.read(8, headerLength)));
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('header is not a JSON object');
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, CheckpointTensor>();
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: offsets } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) fail(`tensor '${name}' has unsupported dtype ${String(dtype)} (expected F32, F16, BF16 or F64)`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor '${name}' has an invalid shape`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) fail(`tensor '${name}' has invalid data_offsets`);
    const [begin, end] = offsets as [number, number];
    const nbytes = elementCount(shape as number[]) * DTYPE_BYTES[dtype as CheckpointDtype];
    if (end - begin !== nbytes || dataStart + end > source.size) {
      fail(`tensor '${name}' data [${begin}, ${end}) does not match its shape (${nbytes} bytes) or lies past the end of the file`);
    }
    tensors.set(name, { name, dtype: dtype as CheckpointDtype, shape: shape as number[], read: () => source.read(dataStart + begin, nbytes) });
  }
  return tensors;
}
