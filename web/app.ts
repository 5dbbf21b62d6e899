// The page at `/` of `depth-anything serve`: pick or drop photos, run the model on the server
// (POST /v1/depth, multipart) or in this browser (the library itself: wasm threads when
// crossOriginIsolated, WebGPU when the browser has it), and see depth, confidence and the point
// cloud with its cameras; download PFM, PNG, GLB and PLY. Both modes end in the same PageResult,
// and the downloads are made from it by the library's own encoders.
import {
  bytesSource, decodeImage, encodeDepthPng, encodeGlb, encodePfm, encodePointPly, loadModel, scenePoints, sceneViews,
  type DepthModel, type DepthPrediction,
} from '../src/index.ts';
import { PointViewer } from './point-viewer.ts';

interface ModelEntry { id: string; family: string; capabilities: string[]; bytes: number }

interface PageView {
  width: number;
  height: number;
  depth: Float32Array;
  confidence?: Float32Array;
  extrinsics?: number[];
  intrinsics?: number[];
}

interface PageResult {
  mode: 'server' | 'browser';
  model: string;
  backend: string;
  views: PageView[];
  points?: { count: number; positions: Float32Array; colors: Uint8Array };
}

type PageState = 'idle' | 'running' | 'done' | 'error';

// What the page exposes for scripts and its browser test: the state and the last result.
const page: { state: PageState; result?: PageResult; error?: string; runs: number } = { state: 'idle', runs: 0 };
(globalThis as unknown as { depthPage: typeof page }).depthPage = page;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  mode: $<HTMLSelectElement>('mode'), model: $<HTMLSelectElement>('model'), browserOptions: $('browser-options'),
  modelSource: $<HTMLSelectElement>('model-source'), modelFile: $<HTMLInputElement>('model-file'), backend: $<HTMLSelectElement>('backend'),
  apiKey: $<HTMLInputElement>('api-key'), drop: $('drop'), photos: $<HTMLInputElement>('photos'), run: $<HTMLButtonElement>('run'),
  progress: $<HTMLProgressElement>('progress'), statusText: $('status-text'), error: $('error'), downloads: $('downloads'),
  viewChoice: $('view-choice'), view: $<HTMLSelectElement>('view'), inputs: $('inputs'), depth: $<HTMLImageElement>('depth'),
  confidence: $<HTMLImageElement>('confidence'), confFigure: $('conf-figure'), cloud: $<HTMLCanvasElement>('cloud'), cloudCaption: $('cloud-caption'),
};

let models: ModelEntry[] = [];
let photos: File[] = [];
let viewer: PointViewer | undefined;
const loadedModels = new Map<string, Promise<DepthModel>>();

function setState(state: PageState): void {
  page.state = state;
  document.body.dataset.state = state;
  ui.run.disabled = state === 'running' || photos.length === 0;
}

/** Status line; `fraction` undefined: busy with no measure, null: no bar. */
function status(text: string, fraction?: number | null): void {
  ui.statusText.textContent = text;
  ui.progress.classList.toggle('hidden', fraction === null);
  if (fraction === undefined || fraction === null) ui.progress.removeAttribute('value');
  else ui.progress.value = fraction;
}

function showError(message: string): void {
  page.error = message;
  ui.error.textContent = message;
  ui.error.style.display = 'block';
  status('Failed.', null);
  setState('error');
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
addEventListener('error', (e) => showError(e.message));
addEventListener('unhandledrejection', (e) => showError(message(e.reason)));

function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  const key = ui.apiKey.value.trim();
  return fetch(path, { ...init, headers: { ...(key && { authorization: `Bearer ${key}` }), ...init.headers } });
}

/** The server's `{ error: { code, message } }`, as one line. */
async function responseError(res: Response): Promise<Error> {
  const text = await res.text();
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    return new Error(`${res.status} ${error.code}: ${error.message}`);
  } catch {
    return new Error(`${res.status} ${res.statusText}: ${text.slice(0, 200)}`);
  }
}

async function loadModelList(): Promise<void> {
  const res = await apiFetch('/v1/models');
  if (!res.ok) throw await responseError(res);
  models = ((await res.json()) as { data: ModelEntry[] }).data;
  const previous = ui.model.value;
  ui.model.replaceChildren(...models.map((m) => new Option(`${m.id} (${m.family})`, m.id)));
  // A DA3 any-view model shows everything the page can show: pick one first.
  ui.model.value = models.some((m) => m.id === previous) ? previous : (models.find((m) => m.capabilities.includes('pose')) ?? models[0])?.id ?? '';
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Base64 of little-endian float32 (every browser's byte order) as a Float32Array. */
const float32 = (text: string) => { const bytes = fromBase64(text); return new Float32Array(bytes.buffer, 0, bytes.length / 4); };

interface ViewJson { width: number; height: number; depth: string; confidence?: string; extrinsics?: number[][]; intrinsics?: number[][] }

async function runOnServer(model: ModelEntry, files: File[]): Promise<PageResult> {
  const form = new FormData();
  form.append('model', model.id);
  const can = (c: string) => model.capabilities.includes(c);
  form.append('include_conf', String(can('confidence')));
  form.append('include_pose', String(can('pose')));
  form.append('include_points', String(can('pose')));
  for (const file of files) form.append('image', file, file.name);
  status(`Running ${model.id} on the server…`);
  const res = await apiFetch('/v1/depth', { method: 'POST', body: form });
  if (!res.ok) throw await responseError(res);
  const json = (await res.json()) as ViewJson & { views?: ViewJson[]; points?: { count: number; xyz: string; rgb: string } };
  const views = (json.views ?? [json]).map((v): PageView => ({
    width: v.width, height: v.height, depth: float32(v.depth),
    confidence: v.confidence === undefined ? undefined : float32(v.confidence),
    extrinsics: v.extrinsics?.flat(), intrinsics: v.intrinsics?.flat(),
  }));
  const points = json.points && { count: json.points.count, positions: float32(json.points.xyz), colors: fromBase64(json.points.rgb) };
  return { mode: 'server', model: model.id, backend: 'server', views, points };
}

/** The model's bytes from the server, streamed with a progress bar. */
async function downloadModel(model: ModelEntry): Promise<Uint8Array> {
  const res = await apiFetch(`/models/${encodeURIComponent(model.id)}.gguf`);
  if (!res.ok || !res.body) throw await responseError(res);
  const total = Number(res.headers.get('content-length')) || model.bytes;
  const out = new Uint8Array(total);
  let done = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done: end, value } = await reader.read();
    if (end) break;
    if (done + value.length > out.length) throw new Error(`${model.id}.gguf: more bytes than the announced ${total}`);
    out.set(value, done);
    done += value.length;
    status(`Downloading ${model.id}.gguf: ${(done / 2 ** 20).toFixed(1)} of ${(total / 2 ** 20).toFixed(1)} MiB`, done / total);
  }
  if (done !== total) throw new Error(`${model.id}.gguf: the download stopped at ${done} of ${total} bytes`);
  return out;
}

async function browserModel(): Promise<DepthModel> {
  const backend = ui.backend.value;
  const file = ui.modelSource.value === 'disk' ? ui.modelFile.files?.[0] : undefined;
  if (ui.modelSource.value === 'disk' && !file) throw new Error('pick a .gguf model file first');
  const entry = models.find((m) => m.id === ui.model.value);
  if (!file && !entry) throw new Error('no model selected');
  const key = file ? `disk:${file.name}:${file.size}:${file.lastModified}:${backend}` : `server:${entry!.id}:${backend}`;
  let loading = loadedModels.get(key);
  if (!loading) {
    loading = (async () => {
      const bytes = file ? new Uint8Array(await file.arrayBuffer()) : await downloadModel(entry!);
      const name = file?.name ?? `${entry!.id}.gguf`;
      status(`Loading ${name}…`, 0);
      return loadModel(bytesSource(bytes), { backend, onProgress: (done, total) => status(`Loading ${name}: ${Math.round((100 * done) / total)}%`, done / total) });
    })();
    loadedModels.set(key, loading);
    loading.catch(() => loadedModels.delete(key));
  }
  return loading;
}

async function runInBrowser(files: File[]): Promise<PageResult> {
  const model = await browserModel();
  if (files.length > 1 && model.info.family !== 'da3') throw new Error(`several views need a DA3 any-view model; this one is ${model.info.family}`);
  status('Decoding…');
  const images = await Promise.all(files.map(async (f) => decodeImage(new Uint8Array(await f.arrayBuffer()))));
  status(`Running ${model.info.checkpointName || 'the model'} in this browser: ${model.backendDescription}…`);
  await new Promise((resolve) => setTimeout(resolve, 0)); // let the status paint before the forward
  const predictions: DepthPrediction[] = await model.predictViews(images);
  const scene = sceneViews(predictions);
  const cloud = scene && scenePoints(scene);
  const views = predictions.map((p): PageView => ({
    width: p.width, height: p.height, depth: p.depth, confidence: p.confidence,
    extrinsics: p.extrinsics && Array.from(p.extrinsics), intrinsics: p.intrinsics && Array.from(p.intrinsics),
  }));
  return { mode: 'browser', model: model.info.checkpointName, backend: model.backendDescription, views, points: cloud && { count: cloud.count, positions: cloud.positions, colors: cloud.colors } };
}

const blobUrl = (bytes: Uint8Array | string, type: string) => URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }));

function download(bytes: Uint8Array, name: string): void {
  const a = document.createElement('a');
  a.href = blobUrl(bytes, 'application/octet-stream');
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/** Cameras of every view, rounded to float32 as the GLB exporter holds them (same file as the server's /v1/depth/glb). */
function cameras(result: PageResult) {
  return result.views.filter((v) => v.extrinsics && v.intrinsics).map((v) => ({
    width: v.width, height: v.height, extrinsics: v.extrinsics!.map(Math.fround), intrinsics: v.intrinsics!.map(Math.fround),
  }));
}

function showView(result: PageResult, index: number): void {
  const view = result.views[index]!;
  ui.depth.src = blobUrl(encodeDepthPng(view.depth, view.width, view.height, { colormap: 'turbo' }), 'image/png');
  ui.confFigure.classList.toggle('hidden', !view.confidence);
  if (view.confidence) ui.confidence.src = blobUrl(encodeDepthPng(view.confidence, view.width, view.height, { invert: false }), 'image/png');
}

function render(result: PageResult, files: File[]): void {
  ui.inputs.replaceChildren(...files.map((f) => Object.assign(document.createElement('img'), { src: URL.createObjectURL(f), alt: f.name })));
  ui.view.replaceChildren(...result.views.map((_, i) => new Option(`${i}: ${files[i]?.name ?? ''}`, String(i))));
  ui.viewChoice.classList.toggle('hidden', result.views.length < 2);
  showView(result, 0);
  ui.downloads.classList.remove('hidden');
  const hasCloud = result.points !== undefined;
  $('dl-glb').classList.toggle('hidden', !hasCloud);
  $('dl-ply').classList.toggle('hidden', !hasCloud);
  if (hasCloud) {
    viewer ??= new PointViewer(ui.cloud);
    viewer.show(result.points!.positions, result.points!.colors, result.points!.count, cameras(result));
    ui.cloudCaption.textContent = `point cloud: ${result.points!.count.toLocaleString()} points, ${result.views.length} camera${result.views.length > 1 ? 's' : ''} (drag to orbit, wheel to zoom)`;
  } else {
    ui.cloudCaption.textContent = 'point cloud: this model predicts no camera, so there is nothing to back-project';
  }
}

async function run(): Promise<void> {
  if (photos.length === 0 || page.state === 'running') return;
  ui.error.style.display = 'none';
  page.error = undefined;
  setState('running');
  try {
    const files = photos;
    const model = models.find((m) => m.id === ui.model.value);
    let result: PageResult;
    if (ui.mode.value === 'server') {
      if (!model) throw new Error('no model selected');
      if (files.length > 1 && model.family !== 'da3') throw new Error(`several views need a DA3 any-view model; ${model.id} is ${model.family}`);
      result = await runOnServer(model, files);
    } else {
      result = await runInBrowser(files);
    }
    const view = result.views[0]!;
    render(result, files);
    page.result = result;
    status(`${result.model}: ${view.width}×${view.height}${result.views.length > 1 ? ` × ${result.views.length} views` : ''} — ${result.mode === 'server' ? 'ran on the server' : result.backend}`, null);
    setState('done');
  } catch (e) {
    showError(message(e));
  } finally {
    page.runs++;
  }
}

function pick(files: Iterable<File>): void {
  photos = [...files].filter((f) => /^image\/(jpeg|png)$/.test(f.type) || /\.(jpe?g|png)$/i.test(f.name));
  if (photos.length === 0) return showError('drop JPEG or PNG photos');
  void run();
}

ui.photos.addEventListener('change', () => pick(ui.photos.files ?? []));
ui.run.addEventListener('click', () => void run());
ui.drop.addEventListener('dragover', (e) => { e.preventDefault(); ui.drop.classList.add('over'); });
ui.drop.addEventListener('dragleave', () => ui.drop.classList.remove('over'));
ui.drop.addEventListener('drop', (e) => { e.preventDefault(); ui.drop.classList.remove('over'); pick(e.dataTransfer?.files ?? []); });
ui.mode.addEventListener('change', () => ui.browserOptions.classList.toggle('hidden', ui.mode.value !== 'browser'));
ui.modelSource.addEventListener('change', () => ui.modelFile.classList.toggle('hidden', ui.modelSource.value !== 'disk'));
ui.view.addEventListener('change', () => page.result && showView(page.result, Number(ui.view.value)));
ui.apiKey.value = localStorage.getItem('depth-anything-api-key') ?? '';
ui.apiKey.addEventListener('change', () => { localStorage.setItem('depth-anything-api-key', ui.apiKey.value.trim()); loadModelList().catch((e: unknown) => showError(message(e))); });

const selected = () => page.result!.views[Number(ui.view.value) || 0]!;
const suffix = () => (page.result!.views.length > 1 ? `_view${Number(ui.view.value) || 0}` : '');
$('dl-pfm').addEventListener('click', () => { const v = selected(); download(encodePfm(v.depth, v.width, v.height), `depth${suffix()}.pfm`); });
$('dl-png').addEventListener('click', () => { const v = selected(); download(encodeDepthPng(v.depth, v.width, v.height, { colormap: 'turbo' }), `depth${suffix()}.png`); });
$('dl-glb').addEventListener('click', () => download(encodeGlb(page.result!.points!, cameras(page.result!)), 'scene.glb'));
$('dl-ply').addEventListener('click', () => download(encodePointPly(page.result!.points!), 'points.ply'));

status(crossOriginIsolated ? 'Pick a model and a photo.' : 'Pick a model and a photo. (Not crossOriginIsolated: in-browser wasm runs on one thread.)', null);
setState('idle');
loadModelList().catch((e: unknown) => showError(`cannot list the models: ${message(e)}`));
