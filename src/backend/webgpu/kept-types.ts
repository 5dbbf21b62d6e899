// Which GGUF tensor types a weight keeps in WebGPU buffers: F16, 16-bit in memory and widened
// inside the GEMM (kernels/linear.ts). Every other type is widened to float32 at upload.
import { GGML_TYPE } from '../../../gguf/types.ts';

export function webgpuKeepsStored(type: number): boolean {
  return type === GGML_TYPE.F16;
}
