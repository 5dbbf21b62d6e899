// The command-line help: one entry per command (its synopsis and what it does), printed whole by
// `depth-anything help` and per command by `depth-anything <command> --help`.

interface CommandHelp {
  synopsis: string;
  description: string;
}

const COMMANDS: Record<string, CommandHelp> = {
  info: {
    synopsis: `  depth-anything info  --model <gguf>`,
    description: `  info         describe a model file (architecture, capabilities, tensor types) without loading weights`,
  },
  depth: {
    synopsis: `  depth-anything depth --model <gguf> --input <image> [--input <image> ...] [--pfm <out.pfm>]
                       [--png <out.png>] [--colormap gray|turbo] [--no-invert] [--pose <out.json>]
                       [--out-prefix <prefix>] [--backend auto|webgpu|wasm|reference] [--threads N]
                       [--weights f32|f16] [--repeat N] [--json]
                       [--glb <out.glb>] [--colmap <dir> | --colmap-txt <dir>] [--ray-pose]
                       [--metric-model <metric.gguf>] [--sky <out.pfm>]`,
    description: `  depth        predict depth for one image; --pose also writes the camera pose (DA3 any-view models);
               --glb / --colmap / --colmap-txt export the back-projected point cloud and camera;
               --ray-pose takes the camera from the aux ray map; --metric-model pairs a DA3NESTED
               any-view file with its metric file (metric depth and cameras); --sky writes the sky map;
               several --input: one multi-view pass, writing <prefix>_view<i>.pfm/.png(/.json with pose)
               with --out-prefix <prefix> (default "out"; --pfm/--png/--pose/--sky are for one input),
               and --glb/--colmap put every view in one scene; --json prints the summary as JSON;
               --repeat N loads once, runs N predictions and prints timings (writes no files);
               --backend auto (default) runs WebGPU on a hardware GPU adapter, else wasm, and says
               which on stderr ("backend: …"); webgpu on a software adapter only when asked for;
               --weights f16 (webgpu) keeps linear weights as halves (half the GPU memory)`,
  },
  reconstruct: {
    synopsis: `  depth-anything reconstruct --model <giant.gguf> --input <image> [--input <image> ...] --ply <out.ply>
                       [--ply-layout depth-anything.cpp|3dgs] [--pose <out.json>] [--resolution N]
                       [--backend auto|webgpu|wasm|reference] [--threads N] [--weights f32|f16]`,
    description: `  reconstruct  per-pixel 3D Gaussians of DA3-GIANT's GS head as a PLY (any input size, several views)`,
  },
  synth: {
    synopsis: `  depth-anything synth --preset <name> --out <file.gguf> [--seed N] [--with-aux]`,
    description: `  synth        write a random-weight model with an official model's exact GGUF layout (benchmarks, tests);
               presets: da3-small, da3-base, da3-large, da3-giant, da3-mono-large, da3-metric-large,
               da3-nested-giant-large-anyview, da3-nested-giant-large-metric, da2-vits|vitb|vitl,
               da2-metric-hypersim-vits|vitb|vitl, da2-metric-vkitti-vits|vitb|vitl`,
  },
  quantize: {
    synopsis: `  depth-anything quantize <in.gguf> <out.gguf> <type> [--force]`,
    description: `  quantize     depth-anything.cpp's quantizer: ViT block and camera matmul weights to f16|q8_0|q6_k|q5_k|q4_k
               (also bf16|q5_1|q5_0|q4_1|q4_0|q3_k|q2_k); K-quants fall back to q8_0 on rows not a multiple of 256`,
  },
  convert: {
    synopsis: `  depth-anything convert --checkpoint <dir|file.pth> --out <file.gguf> [--metric-out <file.gguf>]
                         [--with-aux] [--encoder vits|vitb|vitl|vitg] [--name N] [--max-depth D]`,
    description: `  convert      official checkpoint -> depth-anything.cpp's F32 GGUF: a DA3 folder (model.safetensors +
               model_config.yaml; nested writes --out and --metric-out) or a DA2 .pth (--encoder required)`,
  },
  serve: {
    synopsis: `  depth-anything serve --models <dir|file.gguf ...> [--host 127.0.0.1] [--port 8080] [--api-key K]
                       [--backend auto|webgpu|wasm|reference] [--threads N] [--weights f32|f16]
                       [--max-body-mb 32] [--max-megapixels 40] [--timeout-s 120] [--queue 8] [--memory-mb 4096]`,
    description: `  serve        HTTP API and web page: POST /v1/depth (JSON or multipart; depth, confidence, sky, camera,
               point cloud), POST /v1/depth/glb|ply|colmap (files; colmap is a tar), GET /v1/models, GET /healthz,
               and a page at / (server or in-browser inference, 3D point cloud); --models folders are searched
               recursively, model ids are file names without .gguf; binds 127.0.0.1 unless --host says otherwise;
               --api-key (or env DEPTH_ANYTHING_API_KEY) requires "Authorization: Bearer <key>" on /v1 and /models;
               --queue requests may wait per model (more: 503); --memory-mb is the budget of loaded models
               (least recently used ones are unloaded); SIGINT/SIGTERM finish in-flight requests, then exit`,
  },
  help: {
    synopsis: `  depth-anything help`,
    description: ``,
  },
};

const COMMON = '  every command: --quiet (-q) hides the progress lines shown on a terminal for long work';

export const USAGE = `usage:\n${Object.values(COMMANDS).map((c) => c.synopsis).join('\n')}\n\n${Object.values(COMMANDS).map((c) => c.description).filter((d) => d !== '').join('\n')}\n${COMMON}\n`;

/** The help of one command, or undefined for a name that is not a command. */
export function commandUsage(name: string): string | undefined {
  const c = COMMANDS[name];
  return c && `usage:\n${c.synopsis}\n${c.description ? `\n${c.description}\n` : ''}`;
}
