// `depth-anything info --model M`: what a model file contains, from its header alone.
import type { ModelInfo } from '../types.ts';
import { parseFlags, requiredFlag } from './args.ts';
import { describeModelFile, withModelFile } from './model-file.ts';

/** The first four lines match depth-anything.cpp's `info`; the rest is ours. */
export function formatModelInfo(info: ModelInfo): string {
  const tensorTypes = Object.entries(info.tensorTypes)
    .map(([type, count]) => `${type}: ${count}`)
    .join(', ');
  return [
    `checkpoint: ${info.checkpointName}`,
    `embed_dim: ${info.embedDim}`,
    `depth: ${info.depth}`,
    `num_heads: ${info.numHeads}`,
    `family: ${info.family}`,
    `head_dim: ${info.headDim}`,
    `ffn: ${info.ffn}`,
    `out_layers: ${info.outLayers.join(', ')}`,
    `features: ${info.features}`,
    `capabilities: ${info.capabilities.join(', ')}`,
    `tensors: ${info.tensorCount} (${tensorTypes})`,
    `parameters: ${info.parameterCount}`,
    `file_size: ${info.fileSize} bytes`,
    `weights_in_memory: ${weightsInMemory(info)}`,
  ].join('\n') + '\n';
}

/**
 * What loading does with each stored type, and the memory it takes: wasm widens every type to
 * float32 at load; webgpu keeps F16 tensors 16-bit and widens the rest.
 */
function weightsInMemory(info: ModelInfo): string {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const widened = Object.keys(info.tensorTypes).filter((t) => t !== 'F32');
  const wasm = `${mib(4 * info.parameterCount)} on wasm${widened.length ? ` (${widened.join(', ')} widened to f32 at load)` : ''}`;
  if (!info.tensorTypes.F16) return wasm;
  return `${wasm}; less on webgpu, which keeps the F16 tensors 16-bit`;
}

export async function runInfo(args: readonly string[]): Promise<void> {
  const flags = parseFlags(args, { '--model': 'value' });
  const modelPath = requiredFlag(flags, 'info', '--model');
  const info = await withModelFile(modelPath, (source) => describeModelFile(modelPath, source));
  process.stdout.write(formatModelInfo(info));
}
