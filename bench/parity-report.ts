// Parity report: every model family end to end against the PyTorch reference dumps on one
// backend, as numbers (the test suites assert the same gates; this prints how close it is).
//
//   node bench/parity-report.ts --backend webgpu
//   node bench/parity-report.ts --backend wasm
import '../src/node.ts'; // Dawn for webgpu, worker_threads for wasm
import { flagValue, parseFlags } from '../src/cli/args.ts';
import { createBackendByName } from '../src/backend/select-backend.ts';
import { alignNested } from '../src/geometry/nested-align.ts';
import { runDa3 } from '../src/model/da3.ts';
import { runMonocular } from '../src/model/monocular.ts';
import { loadReference } from '../test/helpers/fixtures.ts';
import { loadFixtureModel, step2Input } from '../test/helpers/model.ts';
import { parity } from '../test/helpers/parity.ts';

const flags = parseFlags(process.argv.slice(2), { '--backend': 'value' });
const backendName = flagValue(flags, '--backend') ?? 'webgpu';
const rows: string[] = ['| family · input | depth max_rel | depth nrmse | conf max_rel · sky max\\|d\\| | extrinsics max\\|d\\| | intrinsics max rel |', '|---|---:|---:|---:|---:|---:|'];
const e = (x: number) => x.toExponential(1);

// The tests' metrics (fixture README §8): max|d|, and max relative error with the 1e-3·rms floor.
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => parity(a, b).maxAbs;
const maxRel = (a: ArrayLike<number>, b: ArrayLike<number>) => parity(a, b).maxRel;

async function backend() {
  return (await createBackendByName(backendName)).backend;
}

async function anyView(label: string, gguf: string, refFile: string, inputs: (ref: ReturnType<typeof loadReference>) => string[]) {
  const model = await loadFixtureModel(await backend(), gguf);
  const ref = loadReference(refFile);
  const out = await runDa3(model.be, model.cfg, model.weights, model.cache, step2Input(inputs(ref), model.cfg));
  const n = out.width * out.height;
  let d = 0, nr = 0, c = 0, x = 0, k = 0;
  out.depth.forEach((depth, v) => {
    const p = parity(depth, ref.f32('out.depth').subarray(n * v, n * v + n));
    d = Math.max(d, p.maxRel); nr = Math.max(nr, p.nrmse);
    c = Math.max(c, parity(out.confidence[v], ref.f32('out.depth_conf').subarray(n * v, n * v + n)).maxRel);
    x = Math.max(x, maxAbs(out.cameras[v].extrinsics, ref.f32('out.extrinsics').subarray(12 * v, 12 * v + 12)));
    k = Math.max(k, maxRel(out.cameras[v].intrinsics, ref.f32('out.intrinsics').subarray(9 * v, 9 * v + 9)));
  });
  rows.push(`| ${label} | ${e(d)} | ${e(nr)} | ${e(c)} | ${e(x)} | ${e(k)} |`);
  model.be.dispose();
}

async function monocular(label: string, gguf: string, refFile: string, step2?: string) {
  const model = await loadFixtureModel(await backend(), gguf);
  const ref = loadReference(refFile);
  const shared = refFile.includes('da2-metric') ? loadReference('refs/da2/desk.r70.full.safetensors') : ref;
  const t = shared.file.tensors.get('input.tensor');
  const input = step2 ? step2Input([step2], model.cfg) : { data: shared.f32('input.tensor'), views: 1, height: t!.shape[2], width: t!.shape[3] };
  const out = await runMonocular(model.be, model.cfg, model.weights, model.cache, input);
  const p = parity(out.depth[0], ref.f32('out.depth'));
  const sky = out.sky && ref.has('out.sky') ? `sky ${e(parity(out.sky[0], ref.f32('out.sky')).maxAbs)}` : '–';
  rows.push(`| ${label} | ${e(p.maxRel)} | ${e(p.nrmse)} | ${sky} | – | – |`);
  model.be.dispose();
}

async function nested(label: string, input: string, refFile: string) {
  const anyview = await loadFixtureModel(await backend(), 'models/da3nested/pack-da3nested-anyview-f32.gguf');
  const metric = await loadFixtureModel(await backend(), 'models/da3nested/pack-da3nested-metric-f32.gguf');
  const x = step2Input([input], anyview.cfg);
  const a = await runDa3(anyview.be, anyview.cfg, anyview.weights, anyview.cache, x);
  const m = await runMonocular(metric.be, metric.cfg, metric.weights, metric.cache, x);
  const aligned = alignNested({
    depth: a.depth, confidence: a.confidence, extrinsics: a.cameras.map((c) => c.extrinsics), intrinsics: a.cameras.map((c) => c.intrinsics),
    metricDepth: m.depth, metricSky: m.sky!,
  });
  const ref = loadReference(refFile);
  const p = parity(aligned.depth[0], ref.f32('out.depth'));
  rows.push(`| ${label} | ${e(p.maxRel)} | ${e(p.nrmse)} | ${e(parity(aligned.confidence[0], ref.f32('out.depth_conf')).maxRel)} | ${e(maxAbs(aligned.extrinsics[0], ref.f32('out.extrinsics')))} | – |`);
  anyview.be.dispose();
  metric.be.dispose();
}

await anyView('DA3 (small/base-style) · desk 504×336', 'models/da3/pack-da3-aux-f32.gguf', 'refs/da3/desk.r504.safetensors', () => ['desk.r504']);
await anyView('DA3 · 4 views 112×70', 'models/da3/pack-da3-aux-f32.gguf', 'refs/da3/mv4.r112.safetensors', (r) => (r.metadata.images as string[]).map((n) => `${n}.r112`));
await anyView('DA3-giant-style · desk 84×56', 'models/da3-giant/pack-da3-giant-aux-f32.gguf', 'refs/da3-giant/desk.r84.full.safetensors', () => ['desk.r84']);
await monocular('DA3 mono · desk 112×70', 'models/da3mono/pack-da3mono-f32.gguf', 'refs/da3mono/desk.r112.full.safetensors', 'desk.r112');
await monocular('DA3 metric · desk 112×70', 'models/da3metric/pack-da3metric-f32.gguf', 'refs/da3mono/desk.r112.full.safetensors', 'desk.r112');
await monocular('DA2 relative · 70 px', 'models/da2/pack-da2-f32.gguf', 'refs/da2/desk.r70.full.safetensors');
await monocular('DA2 metric · 70 px', 'models/da2-metric/pack-da2-metric-f32.gguf', 'refs/da2-metric/desk.r70.full.safetensors');
await nested('DA3 nested · desk 504×336', 'desk.r504', 'refs/da3nested/desk.r504.safetensors');
const first = await backend();
console.log(`backend: ${first.description ?? first.name}\n`);
first.dispose();
console.log(rows.join('\n'));
