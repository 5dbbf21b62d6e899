// The smallest browser app using the package as a user would, with no build-specific code: it
// fetches the model and a photo next to the page, predicts, and exposes the result for the test.
import { bytesSource, decodeImage, loadModel } from 'depth-anything-ts';

async function run() {
  const [gguf, photo] = await Promise.all(['model.gguf', 'photo.png'].map(async (name) => new Uint8Array(await (await fetch(name)).arrayBuffer())));
  const model = await loadModel(bytesSource(gguf));
  const p = await model.predict(decodeImage(photo));
  let min = Infinity, max = -Infinity, sum = 0;
  for (const v of p.depth) { min = Math.min(min, v); max = Math.max(max, v); sum += v; }
  const result = {
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    backend: model.backendDescription, threads: model.threads,
    width: p.width, height: p.height, min, max, sum, extrinsics: Array.from(p.extrinsics ?? []),
  };
  model.dispose();
  return result;
}

run().then(
  (result) => { window.__result = result; document.getElementById('out').textContent = JSON.stringify(result, null, 2); },
  (error) => { window.__result = { error: String(error && error.stack || error) }; document.getElementById('out').textContent = String(error); },
);
