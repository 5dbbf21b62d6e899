// `depth-anything depth`: one image (or several views of one scene) through one model, written as
// PFM / PNG / pose JSON (per view), GLB / COLMAP (one scene), and summarised on stdout.
import { encodeDepthPng } from '../export/depth-png.ts';
import { encodePfm } from '../export/pfm.ts';
import { formatPoseJson } from '../export/pose-json.ts';
import type { DepthPrediction, ModelInfo, RgbImage } from '../types.ts';
import { runDepthBench } from './depth-bench.ts';
import { parseDepthOptions, type DepthOptions } from './depth-options.ts';
import { readImageFile } from './image-file.ts';
import { loadDepthModel } from './depth-model.ts';
import { describeModelFile, withModelFile, type ModelSource } from './model-file.ts';
import { checkExportSupport, colmapFlag, encodeExports, exportOutputs, exportRequested } from './depth-export.ts';
import { summaryJson, summaryText } from './depth-summary.ts';
import { checkOutputs, prepareOutputDirectory, writeOutputs, type OutputFile } from './output-files.ts';

function requestedOutputs(options: DepthOptions): OutputFile[] {
  const outputs: OutputFile[] = [];
  if (options.pfm !== undefined) outputs.push({ flag: '--pfm', path: options.pfm });
  if (options.png !== undefined) outputs.push({ flag: '--png', path: options.png });
  if (options.pose !== undefined) outputs.push({ flag: '--pose', path: options.pose });
  if (options.sky !== undefined) outputs.push({ flag: '--sky', path: options.sky });
  return outputs;
}

/** What the options ask of the model, checked from its header before the weights load. */
function checkCapabilities(options: DepthOptions, info: ModelInfo): void {
  if (options.pose !== undefined && !info.capabilities.includes('pose')) {
    throw new Error(
      `--pose: model ${info.checkpointName} (${info.family}) does not predict camera pose; use a DA3 any-view model`,
    );
  }
  if (options.rayPose && !info.capabilities.includes('rays')) {
    throw new Error('--ray-pose needs an aux-bearing GGUF (convert with --with-aux)');
  }
  if (options.sky !== undefined && !info.capabilities.includes('sky') && options.metricModel === undefined) {
    throw new Error(`--sky: model ${info.checkpointName} (${info.family}) has no sky head; use a DA3 mono/metric model or --metric-model`);
  }
}

interface Pose {
  extrinsics: Float64Array;
  intrinsics: Float64Array;
}

function requirePose(prediction: DepthPrediction): Pose {
  const { extrinsics, intrinsics } = prediction;
  if (!extrinsics || !intrinsics) throw new Error('--pose: the model returned no camera pose');
  return { extrinsics, intrinsics };
}

function encodeOutputs(options: DepthOptions, prediction: DepthPrediction, pose: Pose | undefined) {
  const { width, height, depth } = prediction;
  const files: (OutputFile & { bytes: Uint8Array | string })[] = [];
  if (options.pfm !== undefined) {
    files.push({ flag: '--pfm', path: options.pfm, bytes: encodePfm(depth, width, height) });
  }
  if (options.png !== undefined) {
    const png = encodeDepthPng(depth, width, height, { invert: options.invert, colormap: options.colormap });
    files.push({ flag: '--png', path: options.png, bytes: png });
  }
  if (options.pose !== undefined && pose) {
    files.push({ flag: '--pose', path: options.pose, bytes: formatPoseJson(pose.extrinsics, pose.intrinsics) });
  }
  if (options.sky !== undefined) {
    if (!prediction.sky) throw new Error('--sky: the model returned no sky map');
    files.push({ flag: '--sky', path: options.sky, bytes: encodePfm(prediction.sky, width, height) });
  }
  return files;
}

/**
 * Several views: each writes `<prefix>_view<i>.pfm/.png(/.json with pose)`, as depth-anything.cpp
 * names them; prefix = --out-prefix, or "out" unless only 3D exports were asked for.
 */
function multiViewOptions(options: DepthOptions, info: ModelInfo): DepthOptions[] {
  const prefix = options.outPrefix ?? (exportRequested(options) ? undefined : 'out');
  const hasPose = info.capabilities.includes('pose');
  return options.inputs.map((_, i) => ({
    ...options,
    pfm: prefix && `${prefix}_view${i}.pfm`,
    png: prefix && `${prefix}_view${i}.png`,
    pose: prefix && hasPose ? `${prefix}_view${i}.json` : undefined,
  }));
}

/** One run over open model file(s): header checks, output checks, load, predict, write, report. */
async function predictAndWrite(options: DepthOptions, inputs: OutputFile[], images: RgbImage[], source: ModelSource, metricModel?: ModelSource): Promise<void> {
  // Header-only checks first: a model that cannot do what was asked fails before its weights load.
  const info = await describeModelFile(options.model, source);
  const perView = images.length > 1 ? multiViewOptions(options, info) : [options];
  checkExportSupport(options, info);
  checkCapabilities(options, info);
  const undoDirectory = options.colmap ? prepareOutputDirectory(colmapFlag(options.colmap), options.colmap.dir) : undefined;
  try {
    checkOutputs([...perView.flatMap(requestedOutputs), ...exportOutputs(options)], inputs);
    const model = await loadDepthModel(options.model, source, { ...options, metricModel });
    try {
      const predictions = await model.predictViews(images, { rayPose: options.rayPose });
      const files = predictions.flatMap((prediction, i) => {
        const viewOptions = perView[i]!;
        return encodeOutputs(viewOptions, prediction, viewOptions.pose !== undefined ? requirePose(prediction) : undefined);
      });
      const exports = exportRequested(options) ? encodeExports(options, images, options.inputs, predictions) : { files: [], written: [] };
      writeOutputs([...files, ...exports.files]);
      const summary = { family: model.info.family, backend: model.backendDescription, rayPose: options.rayPose, predictions, files: files.map((f) => f.path), exports: exports.written };
      process.stdout.write(options.json ? summaryJson(summary) : summaryText(summary));
    } finally {
      model.dispose();
    }
  } catch (e) {
    undoDirectory?.();
    throw e;
  }
}

export async function runDepth(args: readonly string[]): Promise<void> {
  const options = parseDepthOptions(args);
  if (options.repeat !== undefined) return runDepthBench(options, options.repeat);

  const inputs = [{ flag: '--model', path: options.model }, ...options.inputs.map((path) => ({ flag: '--input', path }))];
  if (options.metricModel !== undefined) inputs.push({ flag: '--metric-model', path: options.metricModel });
  const images = options.inputs.map(readImageFile);
  await withModelFile(options.model, (source) => options.metricModel === undefined
    ? predictAndWrite(options, inputs, images, source)
    : withModelFile(options.metricModel, (metric) => predictAndWrite(options, inputs, images, source, metric)));
}
