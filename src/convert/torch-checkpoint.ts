// PyTorch .pth checkpoints (torch.save zip format): data.pkl describes the state dict, each
// storage is the file data/<key> of the archive. Only contiguous float tensors are accepted.

import type { ByteSource } from '../../gguf/source.ts';
import { DTYPE_BYTES, elementCount, type CheckpointTensor, type CheckpointTensors } from './checkpoint-tensors.ts';
import { unpickle, type PickledTensor } from './pickle.ts';
import { readZipEntry, readZipIndex, type ZipEntry } from './zip.ts';

/** Largest data.pkl accepted: a state dict's pickle is KBs to a few MB. */
const MAX_PICKLE_BYTES = 256 << 20;

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** The tensors of a torch.save'd state dict (a dict of name -> tensor at the top level). */
export async function readTorchCheckpoint(source: ByteSource): Promise<CheckpointTensors> {
  const entries = await readZipIndex(source);
  const pickles = [...entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) throw new Error(`torch checkpoint: expected one <archive>/data.pkl, found ${pickles.length}`);
  const root = pickles[0].slice(0, -'data.pkl'.length);
  const pickleEntry = entries.get(pickles[0])!;
  if (pickleEntry.size > MAX_PICKLE_BYTES) throw new Error(`torch checkpoint: data.pkl is ${pickleEntry.size} bytes, more than ${MAX_PICKLE_BYTES}`);
  const state = unpickle(await readZipEntry(source, pickleEntry));
  if (!(state instanceof Map)) throw new Error('torch checkpoint: data.pkl does not hold a state dict (a dict of tensors)');

  const tensors = new Map<string, CheckpointTensor>();
  for (const [name, value] of state) {
    if (typeof name !== 'string') throw new Error('torch checkpoint: state dict key is not a string');
    const t = value as PickledTensor;
    if (t?.kind !== 'tensor') throw new Error(`torch checkpoint: '${name}' is not a tensor`);
    const where = `torch checkpoint: tensor '${name}'`;
    const n = elementCount(t.shape);
    if (n > 0 && t.stride.some((s, i) => t.shape[i] > 1 && s !== rowMajorStrides(t.shape)[i])) {
      throw new Error(`${where} is not contiguous (shape [${t.shape.join(', ')}], stride [${t.stride.join(', ')}])`);
    }
    if (t.offset + n > t.storage.numel) throw new Error(`${where} [${t.offset}, ${t.offset + n}) runs past its storage of ${t.storage.numel} elements`);
    const entry: ZipEntry | undefined = entries.get(`${root}data/${t.storage.key}`);
    if (!entry) throw new Error(`${where}: storage data/${t.storage.key} is missing from the archive`);
    const itemSize = DTYPE_BYTES[t.storage.dtype];
    if (entry.size < t.storage.numel * itemSize) throw new Error(`${where}: storage data/${t.storage.key} is ${entry.size} bytes, its ${t.storage.numel} elements need ${t.storage.numel * itemSize}`);
    tensors.set(name, {
      name,
      dtype: t.storage.dtype,
      shape: t.shape,
      read: () => readZipEntry(source, entry, t.offset * itemSize, n * itemSize),
    });
  }
  return tensors;
}
