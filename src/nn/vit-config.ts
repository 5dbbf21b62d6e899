/** Backbone hyper-parameters, all read from the GGUF metadata and tensor shapes. */
export interface VitConfig {
  embedDim: number;
  depth: number;
  numHeads: number;
  headDim: number;
  ffn: 'mlp' | 'swiglu';
  patchSize: number;
  /** First block with the camera token and alternating local/global attention; −1 = none. */
  altStart: number;
  ropeStart: number;
  ropeFreq: number;
  /** Out-layer features are [last local output ‖ norm(x)] instead of norm(x). */
  catToken: boolean;
  /** Block LayerNorm eps (1e-6). */
  lnEps: number;
  /** Final backbone LayerNorm eps: 1e-5 in DA3 (PyTorch default), 1e-6 in DA2. */
  finalNormEps: number;
  interpolateOffset: number;
  posEmbedGrid: number;
  outLayers: number[];
}
