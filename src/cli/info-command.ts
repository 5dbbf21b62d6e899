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
  ].join('\n') + '\n';
}

export async function runInfo(args: readonly string[]): Promise<void> {
  const flags = parseFlags(args, { '--model': 'value' });
  const modelPath = requiredFlag(flags, 'info', '--model');
  const info = await withModelFile(modelPath, (source) => describeModelFile(modelPath, source));
  process.stdout.write(formatModelInfo(info));
}
