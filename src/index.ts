// depth-anything-ts: the runtime-agnostic entry (browsers, Deno, Bun, edge runtimes, Node).
// Node-only helpers (reading files without loading them whole) are in `depth-anything-ts/node`.

export { loadModel, type DepthModel, type LoadOptions, type PredictOptions, type BackendName } from './model/load.ts';
export { describeModel } from './model/describe.ts';
export type { ModelConfig, PreprocessConfig } from './model/config.ts';
export type { Da3Output } from './model/da3.ts';
export type { MonocularOutput } from './model/monocular.ts';
export type { NetworkInput } from './model/encode-views.ts';
export type { DepthPrediction, Gaussians, ModelFamily, ModelInfo, RayMap, RgbImage } from './types.ts';
export { rayPose, type RayPoseOptions, type RayPoseView } from './geometry/ray-pose.ts';
export type { Backend, Tensor } from './backend/backend.ts';
export { ReferenceBackend } from './backend/reference/reference-backend.ts';
export { createWasmBackend, kernelBytes, type WasmBackend, type WasmBackendOptions, type KernelBuild } from './backend/wasm/index.ts';
export { createWebGpuBackend, registerGpuProvider, type WebGpuBackend, type WebGpuBackendOptions } from './backend/webgpu/index.ts';
export { BACKEND_NAMES } from './backend/select-backend.ts';

export { decodeImage } from './image/decode.ts';
export { preprocessDa3 } from './image/preprocess.ts';

export { encodePfm, decodePfm } from './export/pfm.ts';
export { encodeDepthPng } from './export/depth-png.ts';
export { formatPoseJson } from './export/pose-json.ts';
export { encodeGaussianPly, type GaussianPlyOptions, type GaussianPlyLayout } from './export/gaussian-ply.ts';
export { encodeGlb, glbConfidenceThreshold } from './export/glb.ts';
export { encodePointPly, type PlyPoints } from './export/point-ply.ts';
export { sceneViews, scenePoints, type SceneView } from './geometry/scene-views.ts';
export { encodeColmapBinary, encodeColmapText } from './export/colmap.ts';
export { unprojectViews } from './geometry/unproject.ts';
export { quantizeModel } from './quantize/index.ts';
export { convertDa2Checkpoint, convertDa3Checkpoint } from './convert/index.ts';
export { synthesizeModel, synthPreset, SYNTH_PRESETS } from './synth/index.ts';

export { hubSource, type WebHubOptions } from './hub/hub-web.ts'; // the Node entry replaces it with a file-cache version
export { parseHubSpec, type HubFile } from './hub/hub-spec.ts';
export { readGguf, type GgufFile, type GgufTensorInfo } from '../gguf/reader.ts';
export { bytesSource, type ByteSource } from '../gguf/source.ts';
export { readTensorF32, dequantize } from '../gguf/dequantize.ts';
