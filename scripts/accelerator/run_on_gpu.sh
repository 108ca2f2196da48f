#!/usr/bin/env bash
# Runs a command of this repository on a machine with an NVIDIA GPU and
# python's jax with jax-cuda13-pjrt (site-packages/jax_plugins/xla_cuda13/
# xla_cuda_plugin.so), with no network and maybe no Node.
#
# Before the trip, on a machine with the workspace installed:
#     scripts/accelerator/pack_node.sh          # fills .node-carry/ (gitignored)
# and carry .node-carry along with the working tree. Then, on the GPU machine:
#     scripts/accelerator/run_on_gpu.sh                     # = smoke
#     scripts/accelerator/run_on_gpu.sh smoke [--bench 2048]
#     scripts/accelerator/run_on_gpu.sh test [vitest args]  # e.g. test packages/pjrt tests
#     scripts/accelerator/run_on_gpu.sh tsx examples/foo.ts [args]
#     scripts/accelerator/run_on_gpu.sh env                 # only report the setup
#     scripts/accelerator/run_on_gpu.sh <any command> [args]
#
# What it sets up:
#   node          .node-carry/node.xz unpacked to .node-carry/bin/node (else a
#                 node >= 20 already on PATH)
#   node_modules  .node-carry/node_modules.tar.xz unpacked at the repo root
#   PJRT_PLUGIN_LIBRARY_PATH  the newest jax_plugins/xla_cuda*/xla_cuda_plugin.so
#                 in python's site-packages (kept when already set)
#   PJRT_DEVICE   CUDA (kept when already set)
#   LD_LIBRARY_PATH  + site-packages/nvidia/*/lib: the CUDA libraries the
#                 plugin links against (jax preloads them in Python; Node can't)
#   XLA_FLAGS     + --xla_gpu_cuda_data_dir when /usr/local/cuda has no libdevice
#                 but a pip nvidia package does (XLA needs ptxas and libdevice)
#   XLATORCH_PJRT_OPTIONS  {"preallocate":false} unless set, so several test
#                 processes can share the GPU (the plugin preallocates 75% otherwise)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CARRY="$ROOT/.node-carry"
cd "$ROOT"

log() { echo "[run-on-gpu] $*" >&2; }
die() { log "error: $*"; exit 1; }

# ------------------------------------------------------------------ python --
PY=""
for cand in "${PYTHON:-}" python3 /opt/torch/.venv/bin/python3 python; do
  [ -n "$cand" ] && command -v "$cand" >/dev/null 2>&1 && "$cand" -c "" 2>/dev/null && { PY=$cand; break; }
done

# Decompressors: xz and tar when present, python's lzma/tarfile otherwise.
unxz_to() { # src dst
  if command -v xz >/dev/null 2>&1; then
    xz -dc "$1" > "$2"
  elif [ -n "$PY" ]; then
    "$PY" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  else
    die "neither xz nor python to unpack $1"
  fi
}
untar_xz() { # archive destdir
  if command -v xz >/dev/null 2>&1 && tar --version >/dev/null 2>&1; then
    xz -dc "$1" | tar -C "$2" -xf -
  elif [ -n "$PY" ]; then
    "$PY" - "$1" "$2" <<'PYEOF'
import sys, tarfile
with tarfile.open(sys.argv[1]) as t:
    # Our own archive of relative symlinks; newer Pythons want a filter named.
    if hasattr(tarfile, "fully_trusted_filter"):
        t.extractall(sys.argv[2], filter="fully_trusted")
    else:
        t.extractall(sys.argv[2])
PYEOF
  else
    die "neither xz nor python to unpack $1"
  fi
}

# -------------------------------------------------------------------- node --
if [ -f "$CARRY/node.xz" ]; then
  if [ ! -x "$CARRY/bin/node" ] || [ "$CARRY/node.xz" -nt "$CARRY/bin/node" ]; then
    log "unpacking node from .node-carry/node.xz"
    mkdir -p "$CARRY/bin"
    unxz_to "$CARRY/node.xz" "$CARRY/bin/node.partial"
    chmod +x "$CARRY/bin/node.partial"
    mv "$CARRY/bin/node.partial" "$CARRY/bin/node"
  fi
  export PATH="$CARRY/bin:$PATH"
fi
command -v node >/dev/null 2>&1 || die "no node: run scripts/accelerator/pack_node.sh before the trip and carry .node-carry"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || die "node $(node --version) is too old (need >= 20)"

# ------------------------------------------------------------ node_modules --
if [ -f "$CARRY/node_modules.tar.xz" ]; then
  stamp="$CARRY/.node_modules.unpacked"
  if [ ! -f "$stamp" ] || [ "$CARRY/node_modules.tar.xz" -nt "$stamp" ] || [ ! -d node_modules/.pnpm ]; then
    log "unpacking node_modules from .node-carry/node_modules.tar.xz"
    untar_xz "$CARRY/node_modules.tar.xz" "$ROOT"
    touch "$stamp"
  fi
fi
[ -e node_modules/vitest ] && [ -e packages/pjrt/node_modules/koffi ] ||
  die "node_modules incomplete (no vitest or koffi): run pnpm install, or pack_node.sh and carry .node-carry"

# ---------------------------------------------------------- site-packages --
SITES=()
if [ -n "$PY" ]; then
  while IFS= read -r d; do [ -d "$d" ] && SITES+=("$d"); done < <("$PY" - <<'PYEOF'
import site, sys, sysconfig
dirs = []
try:
    dirs += site.getsitepackages()
except Exception:
    pass
try:
    dirs.append(site.getusersitepackages())
except Exception:
    pass
dirs += [sysconfig.get_paths().get("purelib", ""), sysconfig.get_paths().get("platlib", "")]
dirs += [p for p in sys.path if p.endswith(("site-packages", "dist-packages"))]
seen = set()
for d in dirs:
    if d and d not in seen:
        seen.add(d)
        print(d)
PYEOF
  )
fi
for d in /opt/torch/.venv/lib/python3*/site-packages /usr/local/lib/python3*/dist-packages /usr/lib/python3/dist-packages; do
  [ -d "$d" ] && SITES+=("$d")
done

# ------------------------------------------------------------------ plugin --
if [ -z "${PJRT_PLUGIN_LIBRARY_PATH:-}" ]; then
  for s in "${SITES[@]}"; do
    # Newest CUDA major first: xla_cuda13 before xla_cuda12.
    for p in $(ls -d "$s"/jax_plugins/xla_cuda*/xla_cuda_plugin.so 2>/dev/null | sort -rV); do
      PJRT_PLUGIN_LIBRARY_PATH=$p
      break 2
    done
  done
fi
[ -n "${PJRT_PLUGIN_LIBRARY_PATH:-}" ] ||
  die "no jax_plugins/xla_cuda*/xla_cuda_plugin.so in ${SITES[*]:-(no python site-packages found)}; set PJRT_PLUGIN_LIBRARY_PATH"
export PJRT_PLUGIN_LIBRARY_PATH
export PJRT_DEVICE=${PJRT_DEVICE:-CUDA}
export XLATORCH_PJRT_OPTIONS=${XLATORCH_PJRT_OPTIONS:-'{"preallocate":false}'}

# ------------------------------------------------------------ CUDA libraries --
LIBS=()
for s in "${SITES[@]}"; do
  for d in "$s"/nvidia/*/lib "$s"/nvidia/*/lib64; do
    [ -d "$d" ] && LIBS+=("$d")
  done
done
# The driver's libcuda.so.1: in the system path, or (in some containers) here.
for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
  [ -d "$d" ] && [[ ":${LD_LIBRARY_PATH:-}:" != *":$d:"* ]] && LIBS+=("$d")
done
if [ ${#LIBS[@]} -gt 0 ]; then
  joined=$(IFS=:; echo "${LIBS[*]}")
  export LD_LIBRARY_PATH="$joined${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi

# XLA compiles PTX with ptxas and links libdevice; it looks in /usr/local/cuda
# unless told otherwise. Point it at a pip-installed toolkit only when needed.
if [ ! -d /usr/local/cuda/nvvm/libdevice ] && [[ "${XLA_FLAGS:-}" != *xla_gpu_cuda_data_dir* ]]; then
  for s in "${SITES[@]}"; do
    for d in "$s"/nvidia/*; do
      if [ -d "$d/nvvm/libdevice" ]; then
        export XLA_FLAGS="--xla_gpu_cuda_data_dir=$d${XLA_FLAGS:+ $XLA_FLAGS}"
        [ -x "$d/bin/ptxas" ] && export PATH="$PATH:$d/bin"
        break 2
      fi
    done
  done
fi

report() {
  log "node      $(command -v node) $(node --version)"
  log "python    ${PY:-none}"
  log "plugin    $PJRT_PLUGIN_LIBRARY_PATH"
  log "device    PJRT_DEVICE=$PJRT_DEVICE  XLATORCH_PJRT_OPTIONS=$XLATORCH_PJRT_OPTIONS"
  log "libs      ${#LIBS[@]} dirs added to LD_LIBRARY_PATH: ${LIBS[*]:-}"
  log "xla flags ${XLA_FLAGS:-none}"
  log "ptxas     $(command -v ptxas || echo "not on PATH (XLA searches /usr/local/cuda)")"
  if command -v nvidia-smi >/dev/null 2>&1; then
    log "gpu       $(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | head -1)"
  fi
}
report

TSX="node $ROOT/node_modules/tsx/dist/cli.mjs"
VITEST="node $ROOT/node_modules/vitest/vitest.mjs"
cmd=${1:-smoke}
[ $# -gt 0 ] && shift
case "$cmd" in
  smoke) exec $TSX "$ROOT/scripts/accelerator/pjrt_smoke.ts" "$@" ;;
  test) exec $VITEST run "$@" ;;
  tsx) exec $TSX "$@" ;;
  env) for v in PJRT_DEVICE PJRT_PLUGIN_LIBRARY_PATH XLATORCH_PJRT_OPTIONS LD_LIBRARY_PATH XLA_FLAGS PATH; do echo "$v=${!v:-}"; done ;;
  *) exec "$cmd" "$@" ;;
esac
