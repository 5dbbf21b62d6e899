// The GGUF layout depth-anything.cpp's converters write: the architecture spec that decides every
// shape, the metadata keys in the converters' order (with their quirks), and the tensor plan.
// Shared by `convert` (real checkpoints) and `synth` (random weights); reference/gguf-io-cli.md §2–3.
export { checkSpec, PATCH_SIZE, POS_EMBED_GRID, type SynthFamily, type SynthSpec } from './spec.ts';
export { synthesizeMetadata } from './metadata.ts';
export { planTensors, type PlannedTensor } from './tensor-plan.ts';
export { layoutHeader, layoutTensorInfos } from './header.ts';
