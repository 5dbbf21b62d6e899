// A Cloudflare Worker using the package as a bundler would: the kernels imported as a compiled
// WebAssembly.Module (workerd refuses to compile wasm from bytes), the model and the photo as
// data modules. GET / answers with the depth range and camera of the photo, single-threaded.
import { bytesSource, decodeImage, loadModel } from 'depth-anything-ts';
import kernels from './kernels.wasm';
import gguf from './model.gguf';
import photo from './photo.png';

export default {
  async fetch() {
    try {
      const model = await loadModel(bytesSource(new Uint8Array(gguf)), { wasmModule: kernels });
      const p = await model.predict(decodeImage(new Uint8Array(photo)));
      let min = Infinity, max = -Infinity;
      for (const v of p.depth) { min = Math.min(min, v); max = Math.max(max, v); }
      const body = {
        backend: model.backendDescription, width: p.width, height: p.height, min, max,
        extrinsics: Array.from(p.extrinsics ?? []), intrinsics: Array.from(p.intrinsics ?? []),
      };
      model.dispose();
      return Response.json(body);
    } catch (e) {
      return new Response(String(e && e.stack || e), { status: 500 });
    }
  },
};
