#!/usr/bin/env bash
# Packs, into .node-carry/ (gitignored), what run_on_gpu.sh needs on a machine
# that has an NVIDIA GPU and python's jax but maybe no Node and no network:
#
#   .node-carry/node.xz              this machine's node binary, xz-compressed
#   .node-carry/node_modules.tar.xz  the installed node_modules that a run uses:
#                                    vitest, tsx, koffi (with its prebuilt
#                                    binary) and their dependencies, and the
#                                    workspace's own package links
#   .node-carry/MANIFEST             versions, sizes, what was packed
#
# node_modules is gitignored, so it does not travel with the working tree; it
# travels here instead, as a pnpm tree of relative symlinks that unpacks as is.
# Large packages only benchmarks or builds use (@tensorflow/*, typescript,
# tsup) stay out unless named as arguments: pack_node.sh @tensorflow/tfjs-core
#
# The device tool carries at most 64 MiB with the working tree; this script
# refuses to leave a pack larger than CARRY_LIMIT_MIB (default 56).
#
# Usage: scripts/accelerator/pack_node.sh [extra-package ...]
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
OUT="$ROOT/.node-carry"
LIMIT_MIB=${CARRY_LIMIT_MIB:-56}
NODE_BIN=${NODE_BIN:-$(command -v node)}

[ -x "$NODE_BIN" ] || { echo "pack-node: no node binary found" >&2; exit 1; }
[ -d "$ROOT/node_modules/.pnpm" ] || { echo "pack-node: run pnpm install first (no node_modules/.pnpm)" >&2; exit 1; }
command -v xz >/dev/null || { echo "pack-node: xz is required" >&2; exit 1; }
case "$(uname -m)" in x86_64) ;; *) echo "pack-node: warning: $(uname -m) binaries will not run on the x86-64 device" >&2 ;; esac

mkdir -p "$OUT"
rm -f "$OUT/node.xz" "$OUT/node_modules.tar.xz" "$OUT/MANIFEST" "$OUT/files.txt"
# Leftovers of an unpack on this machine (run_on_gpu.sh run here) must not travel.
rm -rf "$OUT/bin"

NODE_VERSION=$("$NODE_BIN" --version)
echo "pack-node: compressing $NODE_BIN ($NODE_VERSION) ..."
xz -9 -T0 -c "$NODE_BIN" > "$OUT/node.xz"

echo "pack-node: listing the node_modules closure ..."
"$NODE_BIN" "$ROOT/scripts/accelerator/node_closure.mjs" "$@" > "$OUT/files.txt"
echo "pack-node: packing $(wc -l < "$OUT/files.txt") paths ..."
tar -C "$ROOT" --files-from="$OUT/files.txt" -cf - | xz -9 -T0 > "$OUT/node_modules.tar.xz"

bytes=$(du -cb "$OUT"/* | tail -1 | cut -f1)
mib=$(( (bytes + 1048575) / 1048576 ))
{
  echo "node $NODE_VERSION from $NODE_BIN ($(uname -m), glibc $(ldd --version 2>/dev/null | head -1 | grep -o '[0-9.]*$' || echo '?'))"
  echo "packed $(date -u +%Y-%m-%dT%H:%M:%SZ) at commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')"
  echo "extra roots: ${*:-none}"
  ls -l "$OUT"
} > "$OUT/MANIFEST"
echo "pack-node: $OUT holds ${mib} MiB"
if [ "$mib" -gt "$LIMIT_MIB" ]; then
  echo "pack-node: over the ${LIMIT_MIB} MiB budget (the working tree travels in the same 64 MiB)" >&2
  exit 1
fi
