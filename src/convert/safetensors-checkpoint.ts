// safetensors checkpoints read through a ByteSource: only the JSON header is read up front, each
// tensor's bytes when asked for, so multi-GB files never have to fit in memory.

import { parseSafetensorsHeader, safetensorsHeaderLength } from '../../gguf/safetensors.ts';
import type { ByteSource } from '../../gguf/source.ts';
import { DTYPE_BYTES, type CheckpointDtype, type CheckpointTensor, type CheckpointTensors } from './checkpoint-tensors.ts';

export async function readSafetensorsCheckpoint(source: ByteSource): Promise<CheckpointTensors> {
  const first8 = source.size >= 8 ? await source.read(0, 8) : new Uint8Array(0);
  const headerLength = safetensorsHeaderLength(first8, source.size);
  const { entries } = parseSafetensorsHeader(await source.read(8, headerLength), source.size);
  const tensors = new Map<string, CheckpointTensor>();
  for (const { name, dtype, shape, offset, nbytes } of entries) {
    if (!(dtype in DTYPE_BYTES)) throw new Error(`safetensors: tensor '${name}' has unsupported dtype ${dtype} (expected F32, F16, BF16 or F64)`);
    tensors.set(name, { name, dtype: dtype as CheckpointDtype, shape, read: () => source.read(offset, nbytes) });
  }
  return tensors;
}
