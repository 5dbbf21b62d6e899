// Official checkpoints (DA3 safetensors folders, DA2 .pth) -> depth-anything.cpp's F32 GGUFs.
export { convertDa2Checkpoint, convertDa3Checkpoint, type CheckpointFolder, type ConvertedModel } from './convert.ts';
export type { Da2Options } from './checkpoint-spec.ts';
export { parseYaml, type YamlValue } from './yaml.ts';
