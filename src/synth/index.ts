// Random-weight models with the exact layout of depth-anything.cpp's converter files: for
// benchmarks, tests and loader checks without downloading real checkpoints.
export { checkSpec, type SynthFamily, type SynthSpec } from '../converter-layout/index.ts';
export { SYNTH_PRESETS, synthPreset } from './presets.ts';
export { synthesizeChunks, synthesizedFileSize, synthesizeModel } from './synthesize.ts';
