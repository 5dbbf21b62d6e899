// Entry point of the kernel module: every export is callable from any thread of the pool.
export { beginJob } from './tasks';
export { packedLinearBytes, packLinear, linear, linearStoredScratchBytes, linearStored, linearQ8 } from './gemm';
export { storedRowBytes, widenStored } from './stored-rows';
export { packedQ8Bytes, packQ8_0, widenPackedQ8_0, quantizedActivationBytes, quantizeActivations } from './gemm-q8';
export { packedConvBytes, packConv, convPlanes, conv, convTransposeScatter } from './conv';
export { packedWinogradBytes, packWinograd, winogradScratchBytes, winogradConv } from './winograd';
export { attentionScratchBytes, attentionPrepare, attentionPadKeys, attention } from './attention';
export { layerNorm } from './norm';
export { add, relu, swiglu, transpose } from './elementwise';
export { resizeBilinear } from './resize';
export { quantizeScratchBytes, quantizeBlocks } from './quantize-blocks';
