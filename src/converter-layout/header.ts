// The header of a converter file (magic, KVs, tensor infos, padding) for a spec: F32 tensors in
// the converters' order. The tensor data follows it.
import { GGML_TYPE } from '../../gguf/types.ts';
import { writeGgufHeader, type GgufTensorHeader } from '../../gguf/writer.ts';
import { synthesizeMetadata } from './metadata.ts';
import type { SynthSpec } from './spec.ts';
import { planTensors } from './tensor-plan.ts';

/** The file's tensor infos in order (no weights). */
export function layoutTensorInfos(spec: SynthSpec): GgufTensorHeader[] {
  return planTensors(spec).map(({ name, dims }) => ({ name, dims, type: GGML_TYPE.F32 }));
}

export function layoutHeader(spec: SynthSpec): Uint8Array {
  return writeGgufHeader({ kv: synthesizeMetadata(spec), tensors: layoutTensorInfos(spec) });
}
