#!/usr/bin/env bash
# Prepares what the GPU benchmark (bench/gpu/run.sh) needs on a lent GPU machine, which has no
# Node, no npm registry and no GL-vendor-neutral libraries: a Node 24 binary (xz), the packages
# the benchmark imports (the `webgpu` package with only its linux-x64 Dawn build), and Debian's
# libvulkan1 + libglvnd .debs (without them the Vulkan loader cannot open NVIDIA's ICD). Run it
# here after `npm ci`; it fills bench/gpu/carry/ (git-ignored, ≈ 40 MiB), which the device call
# carries:  run(command="bash bench/gpu/run.sh", carry=["bench/gpu/carry"]).
set -euo pipefail
cd "$(dirname "$0")"
rm -rf carry && mkdir -p carry/node_modules carry/debs
xz -T2 -6 -c ../../node_modules/node/bin/node > carry/node.xz 2>/dev/null || xz -T2 -6 -c "$(readlink -f ../../node_modules/.bin/node)" > carry/node.xz
for pkg in webgpu fast-png fflate iobuffer debug ms; do
  cp -r "../../node_modules/$pkg" carry/node_modules/
done
# Only the Linux x64 Dawn build, and no sources of the package's own build.
find carry/node_modules/webgpu/dist -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +
rm -rf carry/node_modules/webgpu/build carry/node_modules/webgpu/third_party
(cd carry/debs && apt-get download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null)
du -sh carry
