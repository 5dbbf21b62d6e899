export const USAGE = `usage:
  depth-anything info  --model <gguf>
  depth-anything depth --model <gguf> --input <image> [--pfm <out.pfm>] [--png <out.png>]
                       [--colormap gray|turbo] [--no-invert] [--pose <out.json>]
                       [--backend <name>] [--threads N] [--repeat N]
  depth-anything help

  info    describe a model file (architecture, capabilities, tensor types) without loading weights
  depth   predict depth for one image; --pose also writes the camera pose (DA3 any-view models)
          --repeat N loads once, runs N predictions and prints timings (writes no files)
`;
