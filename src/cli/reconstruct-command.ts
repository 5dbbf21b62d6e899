// `depth-anything reconstruct`: per-pixel 3D Gaussians from DA3-GIANT's GS head, written as a
// PLY (depth-anything.cpp's layout, or the 3DGS layout with all SH coefficients). Unlike
// depth-anything.cpp, which only handles 224×224 inputs, any size works, several views too.
import { encodeGaussianPly, type GaussianPlyLayout } from '../export/gaussian-ply.ts';
import { formatPoseJson } from '../export/pose-json.ts';
import { flagValue, flagValues, parseFlags, positiveIntegerFlag, requiredFlag } from './args.ts';
import { loadDepthModel } from './depth-model.ts';
import { parseWeightPrecision } from './depth-options.ts';
import { readImageFile } from './image-file.ts';
import { describeModelFile, withModelFile } from './model-file.ts';
import { checkOutputs, writeOutputs, type OutputFile } from './output-files.ts';
import { UsageError } from './usage-error.ts';

const FLAGS = {
  '--model': 'value', '--input': 'list', '--ply': 'value', '--ply-layout': 'value', '--pose': 'value',
  '--resolution': 'value', '--backend': 'value', '--threads': 'value', '--weights': 'value',
} as const;

function parseLayout(text: string | undefined): GaussianPlyLayout {
  if (text === undefined) return 'depth-anything.cpp';
  if (text === 'depth-anything.cpp' || text === '3dgs') return text;
  throw new UsageError(`--ply-layout must be depth-anything.cpp or 3dgs, got "${text}"`);
}

export async function runReconstruct(args: readonly string[]): Promise<void> {
  const flags = parseFlags(args, FLAGS);
  const model = requiredFlag(flags, 'reconstruct', '--model');
  const ply = requiredFlag(flags, 'reconstruct', '--ply');
  const inputs = flagValues(flags, '--input');
  if (inputs.length === 0) throw new UsageError('reconstruct: --input is required');
  const pose = flagValue(flags, '--pose');
  const layout = parseLayout(flagValue(flags, '--ply-layout'));
  const resolution = positiveIntegerFlag(flags, '--resolution');
  const outputs: OutputFile[] = [{ flag: '--ply', path: ply }, ...(pose !== undefined ? [{ flag: '--pose', path: pose }] : [])];
  checkOutputs(outputs, [{ flag: '--model', path: model }, ...inputs.map((path) => ({ flag: '--input', path }))]);
  const images = inputs.map(readImageFile);

  await withModelFile(model, async (source) => {
    const info = await describeModelFile(model, source);
    if (!info.capabilities.includes('gaussians')) {
      throw new Error(`reconstruct: ${info.checkpointName} (${info.family}) has no 3D-Gaussian head (gs.* tensors, DA3-GIANT only)`);
    }
    const loaded = await loadDepthModel(model, source, { backend: flagValue(flags, '--backend'), threads: positiveIntegerFlag(flags, '--threads'), weightPrecision: parseWeightPrecision(flagValue(flags, '--weights')), gaussians: true });
    try {
      const predictions = await loaded.predictViews(images, { gaussians: true, resolution });
      const gaussians = predictions.map((p) => p.gaussians!);
      const files: (OutputFile & { bytes: Uint8Array | string })[] = [{ flag: '--ply', path: ply, bytes: encodeGaussianPly(gaussians, { layout }) }];
      const first = predictions[0]!;
      if (pose !== undefined) files.push({ flag: '--pose', path: pose, bytes: formatPoseJson(first.extrinsics!, first.intrinsics!) });
      writeOutputs(files);
      const count = gaussians.reduce((n, g) => n + g.count, 0);
      process.stdout.write(`reconstructed ${count} gaussians (${first.width}x${first.height})\nwrote ${ply}\n`);
      if (pose !== undefined) process.stdout.write(`wrote ${pose}\n`);
    } finally {
      loaded.dispose();
    }
  });
}
