// Random-weight models with the exact layout of depth-anything.cpp's converter files: for
// benchmarks, tests and loader checks without downloading real checkpoints.
export { checkSpec, type SynthFamily, type SynthSpec } from './spec.ts';
export { SYNTH_PRESETS, synthPreset } from './presets.ts';
export { synthesizeMetadata } from './metadata.ts';
export { synthesizeChunks, synthesizedFileSize, synthesizeHeader, synthesizeModel, synthesizeTensorInfos } from './synthesize.ts';
