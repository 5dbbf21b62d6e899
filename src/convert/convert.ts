// Official checkpoints -> the exact GGUFs depth-anything.cpp's converters write
// (convert_{da3,mono,nested,da2}_to_gguf.py). The synth module holds the schema (KVs in order,
// tensor names, order and ne); conversion fills its plan with the checkpoint's tensors, checking
// every shape, and accounts for every checkpoint tensor: converted, or one the converters drop.

import type { ByteSource } from '../../gguf/source.ts';
import { GGUF_DEFAULT_ALIGNMENT } from '../../gguf/reader.ts';
import { alignmentPadding } from '../../gguf/writer.ts';
import { checkSpec, layoutHeader, planTensors, type SynthSpec } from '../converter-layout/index.ts';
import { readAsF32, type CheckpointTensor, type CheckpointTensors } from './checkpoint-tensors.ts';
import { da2Spec, da3Spec, type Da2Options } from './checkpoint-spec.ts';
import { readSafetensorsCheckpoint } from './safetensors-checkpoint.ts';
import { sourceName, type SourcePrefixes } from './source-names.ts';
import { readTorchCheckpoint } from './torch-checkpoint.ts';
import { parseYaml } from './yaml.ts';

export interface ConvertedModel {
  /** 'model' for a single-file checkpoint; the nested checkpoint gives 'anyview' and 'metric'. */
  readonly role: 'model' | 'anyview' | 'metric';
  readonly spec: SynthSpec;
  /** The GGUF as consecutive chunks (header, then each tensor and its padding), read tensor by tensor. */
  chunks(): AsyncGenerator<Uint8Array, void, undefined>;
}

/** A checkpoint folder: its base name and a way to open the files in it (undefined if absent). */
export interface CheckpointFolder {
  readonly name: string;
  open(file: string): Promise<ByteSource | undefined>;
}

interface PlannedSource {
  readonly gguf: string;
  readonly tensor: CheckpointTensor;
}

/** Pairs each planned GGUF tensor with its checkpoint tensor, whose reversed shape must equal the planned ne. */
function matchTensors(spec: SynthSpec, prefixes: SourcePrefixes, tensors: CheckpointTensors): PlannedSource[] {
  return planTensors(spec).map(({ name, dims }) => {
    const source = sourceName(name, prefixes);
    const tensor = tensors.get(source);
    if (!tensor) throw new Error(`convert: checkpoint has no tensor '${source}' (needed for GGUF '${name}')`);
    const expected = [...dims].reverse();
    if (tensor.shape.length !== expected.length || tensor.shape.some((d, i) => d !== expected[i])) {
      throw new Error(`convert: tensor '${source}' has shape [${tensor.shape.join(', ')}], the configuration implies [${expected.join(', ')}]`);
    }
    return { gguf: name, tensor };
  });
}

function converted(role: ConvertedModel['role'], spec: SynthSpec, sources: PlannedSource[]): ConvertedModel {
  return {
    role,
    spec,
    async *chunks() {
      yield layoutHeader(spec);
      const zeros = new Uint8Array(GGUF_DEFAULT_ALIGNMENT);
      for (const { tensor } of sources) {
        const data = await readAsF32(tensor);
        yield data;
        const pad = alignmentPadding(data.byteLength, GGUF_DEFAULT_ALIGNMENT);
        if (pad > 0) yield zeros.subarray(0, pad);
      }
    },
  };
}

/** Throws for the first checkpoint tensor that is neither converted nor one the converters drop on purpose. */
function checkAllAccounted(tensors: CheckpointTensors, used: readonly PlannedSource[], dropped: readonly RegExp[]): void {
  const consumed = new Set(used.map((s) => s.tensor.name));
  for (const name of tensors.keys()) {
    if (!consumed.has(name) && !dropped.some((re) => re.test(name))) {
      throw new Error(`convert: checkpoint tensor '${name}' has no place in depth-anything.cpp's GGUF (unsupported architecture?)`);
    }
  }
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Camera encoder and the aux head's coarse levels (all of the aux head without --with-aux). */
function da3Dropped(root: string): RegExp[] {
  return [
    new RegExp(`^${escape(root)}cam_enc\\.`),
    new RegExp(`^${escape(root)}head\\.scratch\\.(refinenet\\d_aux|output_conv[12]_aux)\\.`),
  ];
}

function da3Prefixes(root: string, spec: SynthSpec): SourcePrefixes {
  return {
    backbone: `${root}backbone.pretrained.`,
    head: `${root}head.`,
    ...(spec.family === 'da3' ? { cameraDecoder: `${root}cam_dec.` } : {}),
    ...(spec.gaussianHead ? { gaussianHead: `${root}gs_head.` } : {}),
  };
}

async function readText(folder: CheckpointFolder, file: string): Promise<string> {
  const source = (await folder.open(file)) ?? (() => { throw new Error(`convert: checkpoint ${folder.name} has no ${file}`); })();
  return new TextDecoder().decode(await source.read(0, source.size));
}

/**
 * A DA3 checkpoint folder (model.safetensors + model_config.yaml): any-view (DualDPT, camera
 * decoder, GS head when configured), mono/metric (DPT + sky) or nested (both, as 'anyview' and
 * 'metric'). The checkpoint name is the folder's base name.
 */
export async function convertDa3Checkpoint(folder: CheckpointFolder, options: { withAux?: boolean } = {}): Promise<ConvertedModel[]> {
  const config = parseYaml(await readText(folder, 'model_config.yaml'));
  const weights = (await folder.open('model.safetensors')) ?? (() => { throw new Error(`convert: checkpoint ${folder.name} has no model.safetensors`); })();
  const tensors = await readSafetensorsCheckpoint(weights);
  const root = typeof config === 'object' && config !== null && !Array.isArray(config) ? config : {};
  const nested = (root.__object__ as { name?: unknown } | undefined)?.name === 'NestedDepthAnything3Net';
  const parts = nested
    ? [
      { role: 'anyview' as const, node: root.anyview, where: 'anyview', prefix: 'model.da3.', name: `${folder.name}-anyview` },
      { role: 'metric' as const, node: root.metric, where: 'metric', prefix: 'model.da3_metric.', name: `${folder.name}-metric` },
    ]
    : [{ role: 'model' as const, node: config, where: 'model_config', prefix: 'model.', name: folder.name }];
  const models: ConvertedModel[] = [];
  const used: PlannedSource[] = [];
  for (const part of parts) {
    const spec = checkSpec(da3Spec(part.node, part.where, tensors, `${part.prefix}backbone.pretrained.`, part.name, part.role === 'metric', options.withAux ?? false));
    if (nested && (part.role === 'anyview') !== (spec.family === 'da3')) throw new Error(`convert: nested ${part.role} half has the wrong head type`);
    const sources = matchTensors(spec, da3Prefixes(part.prefix, spec), tensors);
    used.push(...sources);
    models.push(converted(part.role, spec, sources));
  }
  checkAllAccounted(tensors, used, parts.flatMap((p) => da3Dropped(p.prefix)));
  return models;
}

/** A DA2 .pth state dict (convert_da2_to_gguf.py); the encoder name fixes out_layers, widths come from the shapes. */
export async function convertDa2Checkpoint(pth: ByteSource, options: Da2Options): Promise<ConvertedModel> {
  const tensors = await readTorchCheckpoint(pth);
  const spec = checkSpec(da2Spec(tensors, options));
  const sources = matchTensors(spec, { backbone: 'pretrained.', head: 'depth_head.' }, tensors);
  checkAllAccounted(tensors, sources, [/^pretrained\.mask_token$/]); // used only in masked pre-training
  return converted('model', spec, sources);
}
