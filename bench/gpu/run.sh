#!/usr/bin/env bash
# On the GPU machine: xlatorch through PJRT (CUDA) and PyTorch CUDA, same run.
# Usage: scripts/accelerator/run_on_gpu.sh bash bench/gpu/run.sh OUTDIR
set -uo pipefail
out=${1:-bench/results}
cd "$(dirname "$0")/../.."
npx_tsx() { node node_modules/tsx/dist/cli.mjs "$@"; }
npx_tsx --tsconfig tsconfig.json bench/gpu/gpu_bench.ts > "$out/gpu-xlatorch.json"
for p in python3 /opt/torch/.venv/bin/python3; do
  if "$p" -c "import torch; assert torch.cuda.is_available()" 2>/dev/null; then "$p" bench/gpu/torch_gpu_bench.py > "$out/gpu-torch.json"; break; fi
done
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu-machine.txt" 2>&1 || true
