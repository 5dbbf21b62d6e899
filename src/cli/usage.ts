export const USAGE = `usage:
  depth-anything info  --model <gguf>
  depth-anything depth --model <gguf> --input <image> [--input <image> ...] [--pfm <out.pfm>]
                       [--png <out.png>] [--colormap gray|turbo] [--no-invert] [--pose <out.json>]
                       [--out-prefix <prefix>] [--backend wasm|reference] [--threads N] [--repeat N]
  depth-anything synth --preset <name> --out <file.gguf> [--seed N] [--with-aux]
  depth-anything help

  info    describe a model file (architecture, capabilities, tensor types) without loading weights
  depth   predict depth for one image; --pose also writes the camera pose (DA3 any-view models);
          several --input: one multi-view pass, writing <prefix>_view<i>.pfm/.png(/.json with pose)
          where prefix = --out-prefix, else --pfm, else --png, else "out"
          --repeat N loads once, runs N predictions and prints timings (writes no files)
  synth   write a random-weight model with an official model's exact GGUF layout (benchmarks, tests);
          presets: da3-small, da3-base, da3-large, da3-giant, da3-mono-large, da3-metric-large,
          da3-nested-giant-large-anyview, da3-nested-giant-large-metric, da2-vits|vitb|vitl,
          da2-metric-hypersim-vits|vitb|vitl, da2-metric-vkitti-vits|vitb|vitl
`;
