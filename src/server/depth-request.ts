// A depth request as the API takes it — a JSON body, or multipart/form-data with `image` file
// fields — checked field by field into one shape; every mistake is a 400 naming the field.
import { HttpError } from './http-error.ts';
import { decodeImageSource } from './image-source.ts';

export interface RequestImage {
  bytes: Uint8Array;
  /** The uploaded file name (multipart), used to name COLMAP images. */
  name?: string;
}

export interface DepthRequest {
  model: string;
  /** One image, or several views of one scene. */
  images: RequestImage[];
  multiView: boolean;
  includeDepth: boolean;
  includeConf: boolean;
  includeSky: boolean;
  includePose: boolean;
  includePoints: boolean;
  confThreshold?: number;
  rayPose: boolean;
  depthFormat: 'f32' | 'png16';
  resolution?: number;
  colmapFormat: 'bin' | 'txt';
}

const BOOLEAN_FIELDS = {
  include_depth: 'includeDepth', include_conf: 'includeConf', include_sky: 'includeSky',
  include_pose: 'includePose', include_points: 'includePoints', ray_pose: 'rayPose',
} as const;
const OTHER_FIELDS = new Set(['model', 'src', 'srcs', 'conf_threshold', 'depth_format', 'resolution', 'colmap_format']);
export const MAX_VIEWS = 16;

function bad(field: string, message: string): HttpError {
  return new HttpError(400, 'invalid_field', `${field}: ${message}`);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

/** Multipart fields arrive as text: "true"/"false"/"1"/"0" and numbers are read as JSON would be. */
function fromForm(value: string): unknown {
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  return value.trim() !== '' && Number.isFinite(Number(value)) ? Number(value) : value;
}

function booleanField(fields: Record<string, unknown>, name: string, fallback: boolean): boolean {
  const value = fields[name];
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw bad(name, `expected true or false, got ${describe(value)}`);
  return value;
}

function options(fields: Record<string, unknown>, images: RequestImage[], multiView: boolean): DepthRequest {
  for (const name of Object.keys(fields)) {
    if (!(name in BOOLEAN_FIELDS) && !OTHER_FIELDS.has(name)) throw bad(name, 'unknown field');
  }
  const model = fields.model;
  if (typeof model !== 'string' || model === '') throw bad('model', `expected a model id (GET /v1/models lists them), got ${describe(model)}`);
  const { conf_threshold: confThreshold, depth_format: depthFormat = 'f32', resolution, colmap_format: colmapFormat = 'bin' } = fields;
  if (confThreshold !== undefined && (typeof confThreshold !== 'number' || !Number.isFinite(confThreshold))) throw bad('conf_threshold', `expected a number, got ${describe(confThreshold)}`);
  if (depthFormat !== 'f32' && depthFormat !== 'png16') throw bad('depth_format', 'expected "f32" or "png16"');
  if (resolution !== undefined && (typeof resolution !== 'number' || !Number.isInteger(resolution) || resolution < 14 || resolution > 2048)) {
    throw bad('resolution', 'expected an integer from 14 to 2048 (longest side for DA3, shortest for DA2)');
  }
  if (colmapFormat !== 'bin' && colmapFormat !== 'txt') throw bad('colmap_format', 'expected "bin" or "txt"');
  return {
    model, images, multiView,
    includeDepth: booleanField(fields, 'include_depth', true),
    includeConf: booleanField(fields, 'include_conf', false),
    includeSky: booleanField(fields, 'include_sky', false),
    includePose: booleanField(fields, 'include_pose', false),
    includePoints: booleanField(fields, 'include_points', false),
    rayPose: booleanField(fields, 'ray_pose', false),
    confThreshold: confThreshold as number | undefined,
    depthFormat, resolution: resolution as number | undefined, colmapFormat,
  };
}

function checkViewCount(count: number, field: string): void {
  if (count === 0) throw bad(field, 'no image');
  if (count > MAX_VIEWS) throw bad(field, `at most ${MAX_VIEWS} views per request, got ${count}`);
}

export function parseJsonRequest(body: Uint8Array): DepthRequest {
  let fields: unknown;
  try {
    fields = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (e) {
    throw new HttpError(400, 'invalid_json', `the body is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new HttpError(400, 'invalid_json', `the body must be a JSON object, got ${describe(fields)}`);
  const record = fields as Record<string, unknown>;
  if ((record.src === undefined) === (record.srcs === undefined)) throw bad('src', 'give exactly one of src (one image) or srcs (several views)');
  if (record.src !== undefined) return options(record, [{ bytes: decodeImageSource('src', record.src) }], false);
  if (!Array.isArray(record.srcs)) throw bad('srcs', `expected an array of images, got ${describe(record.srcs)}`);
  checkViewCount(record.srcs.length, 'srcs');
  return options(record, record.srcs.map((src, i) => ({ bytes: decodeImageSource(`srcs[${i}]`, src) })), true);
}

/** multipart/form-data: one or more `image` file fields; the other fields as text. */
export async function parseMultipartRequest(body: Uint8Array, contentType: string): Promise<DepthRequest> {
  let form: FormData;
  try {
    form = await new Response(body as Uint8Array<ArrayBuffer>, { headers: { 'content-type': contentType } }).formData();
  } catch (e) {
    throw new HttpError(400, 'invalid_multipart', `the multipart body cannot be parsed (${e instanceof Error ? e.message : String(e)})`);
  }
  const fields: Record<string, unknown> = {};
  const images: RequestImage[] = [];
  for (const [name, value] of form) {
    if (name === 'image') {
      if (typeof value === 'string') throw bad('image', 'expected a file upload, got a text field');
      images.push({ bytes: new Uint8Array(await value.arrayBuffer()), name: value.name || undefined });
    } else if (typeof value !== 'string') {
      throw bad(name, 'unexpected file (images go in "image" fields)');
    } else if (name in fields) {
      throw bad(name, 'given more than once');
    } else {
      fields[name] = fromForm(value);
    }
  }
  if ('src' in fields || 'srcs' in fields) throw bad('src', 'multipart requests send images as "image" file fields');
  checkViewCount(images.length, 'image');
  if (typeof fields.model === 'number') fields.model = String(fields.model); // a model named "2" is still a name
  return options(fields, images, images.length > 1);
}
