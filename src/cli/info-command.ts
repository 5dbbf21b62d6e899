// `depth-anything info --model M`: what a model file contains, from its header alone.
import type { BackendWeights, ModelInfo } from '../types.ts';
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
 * The memory the weights take on each backend and what loading does with each stored type: wasm
 * keeps F16, Q8_0 and the K-quants depth-anything.cpp writes, webgpu keeps F16; the rest is
 * widened to float32.
 */
function weightsInMemory(info: ModelInfo): string {
  const { wasm, webgpu } = info.weightsInMemory;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const what = (w: BackendWeights) => [w.kept.length ? `${w.kept.join(', ')} kept` : '', w.widened.length ? `${w.widened.join(', ')} widened to f32` : '']
    .filter((s) => s !== '').join(', ');
  const describe = (name: string, w: BackendWeights) => `${mib(w.bytes)} on ${name}${what(w) ? ` (${what(w)})` : ''}`;
  return `${describe('wasm', wasm)}; ${describe('webgpu', webgpu)}`;
}

export async function runInfo(args: readonly string[]): Promise<void> {
  const flags = parseFlags(args, { '--model': 'value' });
  const modelPath = requiredFlag(flags, 'info', '--model');
  const info = await withModelFile(modelPath, (source) => describeModelFile(modelPath, source));
  process.stdout.write(formatModelInfo(info));
}
