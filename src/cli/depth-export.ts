// `depth --glb / --colmap / --colmap-txt`: the 3D exports of one scene (one or several views), as
// depth-anything.cpp and DA3's exporter write them: depth back-projected through the predicted
// cameras, coloured by the network-size images, above the exporter's confidence cut.
import { basename, join } from 'node:path';
import { COLMAP_FILE_NAMES, colmapConfidenceThreshold, encodeColmapBinary, encodeColmapText } from '../export/colmap.ts';
import { encodeGlb, glbConfidenceThreshold } from '../export/glb.ts';
import { sceneConfidence, sceneViews } from '../geometry/scene-views.ts';
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

/** A written export, as the summary reports it: a file, or the COLMAP directory. */
export interface WrittenExport {
  kind: 'glb' | 'colmap';
  path: string;
  format?: 'bin' | 'txt';
}

/**
 * The GLB / COLMAP files of one scene: every view's points in the predicted cameras' common world
 * frame (one frustum per view in the GLB, one image per view in COLMAP), the confidence cut taken
 * over all views together, as DA3's own exporter does.
 */
export function encodeExports(options: DepthOptions, images: readonly RgbImage[], inputPaths: readonly string[], predictions: readonly DepthPrediction[]) {
  const views = sceneViews(predictions);
  if (!views) throw new Error(noPose());
  const allConfidence = sceneConfidence(views);

  const files: (OutputFile & { bytes: Uint8Array | string })[] = [];
  const written: WrittenExport[] = [];
  if (options.glb !== undefined) {
    const points = unprojectViews(views, glbConfidenceThreshold(allConfidence));
    files.push({ flag: '--glb', path: options.glb, bytes: encodeGlb(points, views) });
    written.push({ kind: 'glb', path: options.glb });
  }
  const { colmap } = options;
  if (colmap) {
    const points = unprojectViews(views, colmapConfidenceThreshold(allConfidence));
    const names = uniqueImageNames(inputPaths);
    const colmapViews = views.map((view, i) => ({ ...view, name: names[i]!, originalWidth: images[i]!.width, originalHeight: images[i]!.height }));
    const encode = colmap.format === 'bin' ? encodeColmapBinary : encodeColmapText;
    for (const file of encode(colmapViews, points)) files.push({ flag: colmapFlag(colmap), path: join(colmap.dir, file.name), bytes: file.bytes });
    written.push({ kind: 'colmap', path: colmap.dir, format: colmap.format });
  }
  return { files, written };
}

/** COLMAP image names: the inputs' file names, numbered where two are the same. */
function uniqueImageNames(paths: readonly string[]): string[] {
  const names = paths.map((p) => basename(p));
  return names.map((name, i) => (names.indexOf(name) !== i || names.lastIndexOf(name) !== i ? `view${i}_${name}` : name));
}
