// GGUF -> quantized GGUF with depth-anything.cpp's tensor type policy and ggml's reference quantizers.
export { chooseTensorAction, CPP_QUANTIZE_TYPES, quantizeTarget, type QuantizeTarget, type TensorAction } from './policy.ts';
export { describeQuantization, planQuantization, quantizedChunks, quantizeModel, type QuantizedTensorPlan, type QuantizePlan } from './quantize-model.ts';
