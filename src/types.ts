// Public data types shared by the API, the exporters and the CLI.

/** Decoded image: interleaved 8-bit RGB, row-major, `data.length === width * height * 3`. */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export type ModelFamily =
  | 'da3'          // any-view DA3 (small/base/large/giant): DualDPT + camera decoder
  | 'da3-mono'
  | 'da3-metric'
  | 'da3-nested-metric'
  | 'da3-nested'   // an any-view + metric pair, aligned to metres
  | 'da2'
  | 'da2-metric';

export interface ModelInfo {
  family: ModelFamily;
  checkpointName: string;
  embedDim: number;
  depth: number;
  numHeads: number;
  headDim: number;
  ffn: 'mlp' | 'swiglu';
  outLayers: number[];
  /** Head feature width. */
  features: number;
  /** What this model can produce: 'depth', 'confidence', 'pose', 'rays', 'sky', 'gaussians'. */
  capabilities: string[];
  /** Tensor count per GGUF tensor type name (e.g. { F32: 250 }). */
  tensorTypes: Record<string, number>;
  tensorCount: number;
  parameterCount: number;
  fileSize: number;
  /** Bytes the weights take once loaded, per backend, and the stored types each one widens to f32. */
  weightsInMemory: { wasm: BackendWeights; webgpu: BackendWeights };
}

export interface BackendWeights {
  bytes: number;
  /** Non-F32 types kept as stored. */
  kept: string[];
  /** Non-F32 types widened to float32 at load. */
  widened: string[];
}

/** Outputs for one view, at the processed (network input) resolution. */
export interface DepthPrediction {
  width: number;
  height: number;
  /** Row-major depth (relative for DA3 any-view / mono, disparity-like for DA2 relative, metres for metric). */
  depth: Float32Array;
  confidence?: Float32Array;
  sky?: Float32Array;
  /** 3×4 world-to-camera, row-major (OpenCV axes). */
  extrinsics?: Float64Array;
  /** 3×3 pinhole intrinsics in processed pixels, row-major. */
  intrinsics?: Float64Array;
  /** With `rayPose`: the predicted ray map at (8·W/14) × (8·H/14). */
  rays?: RayMap;
  /** Nested models: the scale that took the any-view depth and translations to metres. */
  metricScale?: number;
  /** The network-size RGB image the prediction was made from (DA3 families): point colours. */
  image?: RgbImage;
  /** With `gaussians` (DA3-GIANT): the view's 3D Gaussians, one per pixel. */
  gaussians?: Gaussians;
}

/**
 * 3D Gaussians of one view (DA3-GIANT `infer_gs`) in the world frame of the predicted cameras
 * (OpenCV axes), one per pixel of the processed image in row-major order.
 */
export interface Gaussians {
  count: number;
  /** [count·3] centres. */
  means: Float32Array;
  /** [count·3] standard deviations along the Gaussian's own axes (linear, not log). */
  scales: Float32Array;
  /**
   * [count·4] unit quaternions exactly as the reference returns them: it names them wxyz (and its
   * PLY writes them as rot_0..3) although its mat_to_quat produces them scalar-last, normalized so
   * that the 4th component is ≥ 0.
   */
  rotations: Float32Array;
  /** Spherical-harmonics degree (2: 9 coefficients per colour). */
  shDegree: number;
  /** [count·3·(shDegree+1)²] real SH coefficients in the world frame, colour-major per Gaussian. */
  harmonics: Float32Array;
  /** [count] in (0, 1). */
  opacities: Float32Array;
}

export interface RayMap {
  width: number;
  height: number;
  /** [height·width·6] channels-last: ray direction xyz, ray origin (camera centre) xyz. */
  rays: Float32Array;
  /** [height·width], exp + 1. */
  confidence: Float32Array;
}
