// `depth-anything depth`: one image through one model, printed like depth-anything.cpp and
// written as PFM / PNG / pose JSON, and for one view of a pose model as GLB / COLMAP.
import { encodeDepthPng } from '../export/depth-png.ts';
import { finiteRange } from '../export/finite-range.ts';
import { encodePfm } from '../export/pfm.ts';
import { formatPoseJson } from '../export/pose-json.ts';
import { formatFixed } from '../format/printf.ts';
import type { DepthPrediction, ModelFamily, ModelInfo, RgbImage } from '../types.ts';
import { runDepthBench } from './depth-bench.ts';
import { parseDepthOptions, type DepthOptions } from './depth-options.ts';
import { readImageFile } from './image-file.ts';
import { loadDepthModel } from './depth-model.ts';
import { describeModelFile, withModelFile, type ModelSource } from './model-file.ts';
import { checkExportSupport, colmapFlag, encodeExports, exportDepthLine, exportOutputs, exportRequested } from './depth-export.ts';
import { checkOutputs, prepareOutputDirectory, writeOutputs, type OutputFile } from './output-files.ts';

/** depth-anything.cpp tags the depth line with the route it took. */
const ROUTE_SUFFIX: Record<ModelFamily, string> = {
  'da3': '',
  'da3-mono': ' (mono+sky)',
  'da3-metric': ' (mono+sky)',
  'da3-nested-metric': ' (mono+sky)',
  'da3-nested': ' (metric)',
  'da2': ' (da2)',
  'da2-metric': ' (da2)',
};

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

function poseLine(intrinsics: Float64Array, rayPose: boolean): string {
  const [fx, , cx, , fy, cy] = intrinsics;
  return `pose${rayPose ? ' (ray)' : ''}: fx=${formatFixed(fx!, 4)} fy=${formatFixed(fy!, 4)} cx=${formatFixed(cx!, 4)} cy=${formatFixed(cy!, 4)}\n`;
}

function depthLine(prediction: DepthPrediction, family: ModelFamily): string {
  const range = finiteRange(prediction.depth) ?? { min: NaN, max: NaN };
  if (prediction.metricScale !== undefined) {
    return `metric depth ${prediction.width}x${prediction.height} min=${formatFixed(range.min, 4)} max=${formatFixed(range.max, 4)} scale_factor=${formatFixed(prediction.metricScale, 6)}\n`;
  }
  return `depth ${prediction.width}x${prediction.height} min=${formatFixed(range.min, 4)} max=${formatFixed(range.max, 4)}${ROUTE_SUFFIX[family]}\n`;
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

/** Multi-view files, as depth-anything.cpp names them: `<prefix>_view<i>.pfm|.png|.json`. */
function multiViewOptions(options: DepthOptions, info: ModelInfo): DepthOptions[] {
  const prefix = options.outPrefix ?? options.pfm ?? options.png ?? 'out';
  const hasPose = info.capabilities.includes('pose');
  return options.inputs.map((_, i) => ({
    ...options,
    pfm: `${prefix}_view${i}.pfm`,
    png: `${prefix}_view${i}.png`,
    pose: hasPose ? `${prefix}_view${i}.json` : undefined,
  }));
}

function viewLine(i: number, prediction: DepthPrediction): string {
  const range = finiteRange(prediction.depth) ?? { min: NaN, max: NaN };
  const focal = prediction.intrinsics
    ? ` fx=${formatFixed(prediction.intrinsics[0]!, 4)} fy=${formatFixed(prediction.intrinsics[4]!, 4)}`
    : '';
  return `view ${i}: depth ${prediction.width}x${prediction.height} min=${formatFixed(range.min, 4)} max=${formatFixed(range.max, 4)}${focal}\n`;
}

/** The C++ export route (one view): a depth line with the focal lengths, then one line per 3D file and the pose JSON, once all files are in place. */
function writeWithExports(options: DepthOptions, image: RgbImage, prediction: DepthPrediction): void {
  process.stdout.write(exportDepthLine(prediction));
  const pose = options.pose !== undefined ? requirePose(prediction) : undefined;
  const exports = encodeExports(options, image, options.inputs[0]!, prediction);
  writeOutputs([...encodeOutputs(options, prediction, pose), ...exports.files]);
  process.stdout.write(exports.lines.join('') + (options.pose !== undefined ? `wrote ${options.pose}\n` : ''));
}

/** One run over open model file(s): header checks, output checks, load, predict, write. */
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
      if (exportRequested(options)) {
        writeWithExports(options, images[0]!, predictions[0]!);
      } else {
        const files = predictions.flatMap((prediction, i) => {
          const viewOptions = perView[i]!;
          const pose = viewOptions.pose !== undefined ? requirePose(prediction) : undefined;
          if (images.length > 1) {
            process.stdout.write(viewLine(i, prediction));
          } else {
            if (pose) process.stdout.write(poseLine(pose.intrinsics, options.rayPose));
            process.stdout.write(depthLine(prediction, model.info.family));
          }
          return encodeOutputs(viewOptions, prediction, pose);
        });
        writeOutputs(files);
      }
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
