#!/usr/bin/env bash
# The GPU benchmark, one prepared script for a lent GPU machine (see prepare.sh): installs the
# carried libraries, points Vulkan at the NVIDIA driver, then measures DA3-small and DA3-base at
# 504×336 (1 view, and 4 views of base) on the webgpu backend: load, median forward, GPU memory,
# and a per-op GPU profile of base. Results land in $OUT (or ./gpu-results) for bench/RESULTS.md.
# Works on any Linux machine with a Vulkan driver (locally it runs on lavapipe, slowly).
set -uo pipefail
cd "$(dirname "$0")/../.."
carry=bench/gpu/carry
out="${OUT:-gpu-results}"
mkdir -p "$out"
log() { echo "$@" | tee -a "$out/summary.txt"; }
if [ -d "$carry/debs" ] && [ "$(id -u)" = 0 ] && ! ldconfig -p | grep -q libGLdispatch; then
  for deb in "$carry"/debs/*.deb; do dpkg -x "$deb" /; done
  ldconfig
fi
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$icd" ]; then export VK_DRIVER_FILES="$icd"; break; fi
done
node=node_modules/.bin/node
if [ ! -x "$node" ]; then
  mkdir -p .gpu-node && xz -dc "$carry/node.xz" > .gpu-node/node && chmod +x .gpu-node/node
  node=.gpu-node/node
  [ -e node_modules ] || ln -s "$carry/node_modules" node_modules
fi
log "date: $(date -u +%FT%TZ)"
log "node: $($node --version)"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/gpu: /' | tee -a "$out/summary.txt"
bench() { # name, args...
  local name="$1"; shift
  log "== $name: node bench/model.ts $*"
  timeout 240 "$node" bench/model.ts "$@" 2>&1 | grep -v '^Warning: maxDynamic' | tee "$out/$name.txt" | sed 's/^/   /' | tee -a "$out/summary.txt"
}
bench small --preset da3-small --backend webgpu --runs 20
bench base --preset da3-base --backend webgpu --runs 20
bench base-4views --preset da3-base --backend webgpu --views 4 --runs 10
log "== profile: node bench/profile.ts --preset da3-base --backend webgpu --runs 3"
timeout 240 "$node" bench/profile.ts --preset da3-base --backend webgpu --runs 3 --top 20 2>&1 | grep -v '^Warning: maxDynamic' > "$out/profile-base.txt"
head -20 "$out/profile-base.txt" | tee -a "$out/summary.txt"
