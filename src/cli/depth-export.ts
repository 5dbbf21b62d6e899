// `depth --glb / --colmap / --colmap-txt`: the 3D exports of one view, as depth-anything.cpp
// writes them: depth back-projected through the predicted camera, coloured by the network-size
// image, above the exporter's confidence cut.
import { basename, join } from 'node:path';
import { COLMAP_FILE_NAMES, colmapConfidenceThreshold, encodeColmapBinary, encodeColmapText } from '../export/colmap.ts';
import { finiteRange } from '../export/finite-range.ts';
import { encodeGlb, glbConfidenceThreshold } from '../export/glb.ts';
import { formatFixed } from '../format/printf.ts';
import { unprojectViews } from '../geometry/unproject.ts';
import type { DepthPrediction, ModelInfo, RgbImage } from '../types.ts';
import type { DepthOptions } from './depth-options.ts';
import type { OutputFile } from './output-files.ts';

/** A 3D export needs the camera: only DA3 any-view models (and nested pairs) predict one. */
function noPose(info?: ModelInfo): string {
  const what = info ? `${info.checkpointName || 'this model'} is a ${info.family} model, which has no camera head` : 'the prediction has no camera';
  return `--glb/--colmap need a camera pose, but ${what} (DA3 any-view and nested models have one)`;
}

export function exportRequested(options: DepthOptions): boolean {
  return options.glb !== undefined || options.colmap !== undefined;
}

export function checkExportSupport(options: DepthOptions, info: ModelInfo): void {
  if (exportRequested(options) && !info.capabilities.includes('pose')) throw new Error(noPose(info));
}

export function colmapFlag(colmap: NonNullable<DepthOptions['colmap']>): string {
  return colmap.format === 'bin' ? '--colmap' : '--colmap-txt';
}

/** Every file the exports will write, for the checks made before the model runs. */
export function exportOutputs(options: DepthOptions): OutputFile[] {
  const outputs: OutputFile[] = [];
  if (options.glb !== undefined) outputs.push({ flag: '--glb', path: options.glb });
  const { colmap } = options;
  if (colmap) outputs.push(...COLMAP_FILE_NAMES[colmap.format].map((name) => ({ flag: colmapFlag(colmap), path: join(colmap.dir, name) })));
  return outputs;
}

/** The depth line of the export route: range and focal lengths. */
export function exportDepthLine(prediction: DepthPrediction): string {
  const range = finiteRange(prediction.depth) ?? { min: NaN, max: NaN };
  const [fx, , , , fy] = prediction.intrinsics ?? [NaN, 0, 0, 0, NaN];
  return `depth ${prediction.width}x${prediction.height} min=${formatFixed(range.min, 4)} max=${formatFixed(range.max, 4)} fx=${formatFixed(fx!, 4)} fy=${formatFixed(fy!, 4)}\n`;
}

/**
 * The GLB / COLMAP files for one prediction of `image` (read from `inputPath`), and the lines to
 * print once they are written.
 */
export function encodeExports(options: DepthOptions, image: RgbImage, inputPath: string, prediction: DepthPrediction) {
  const { width, height, depth, confidence } = prediction;
  if (!prediction.extrinsics || !prediction.intrinsics || !confidence || !prediction.image) throw new Error(noPose());
  // depth-anything.cpp holds the camera as float32.
  const extrinsics = prediction.extrinsics.map(Math.fround);
  const intrinsics = prediction.intrinsics.map(Math.fround);
  // The network-size image the prediction was made from gives every point its colour.
  const view = { width, height, depth, confidence, extrinsics, intrinsics, image: prediction.image };

  const files: (OutputFile & { bytes: Uint8Array | string })[] = [];
  const lines: string[] = [];
  if (options.glb !== undefined) {
    const points = unprojectViews([view], glbConfidenceThreshold(confidence));
    files.push({ flag: '--glb', path: options.glb, bytes: encodeGlb(points, [view]) });
    lines.push(`wrote ${options.glb}\n`);
  }
  const { colmap } = options;
  if (colmap) {
    const points = unprojectViews([view], colmapConfidenceThreshold(confidence));
    const colmapView = { ...view, name: basename(inputPath), originalWidth: image.width, originalHeight: image.height };
    const encode = colmap.format === 'bin' ? encodeColmapBinary : encodeColmapText;
    for (const file of encode([colmapView], points)) files.push({ flag: colmapFlag(colmap), path: join(colmap.dir, file.name), bytes: file.bytes });
    lines.push(`wrote COLMAP model (${colmap.format}) to ${colmap.dir}\n`);
  }
  return { files, lines };
}
