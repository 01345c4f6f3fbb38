# shellcheck shell=bash
# The app as it goes into the image: compiled from the committed tree (not the working tree, which other
# work may be changing), with production dependencies only and without native binaries for other platforms.

stage_app() {
  local repo="$1" dest="$2" src
  src="$(dirname "$dest")/src"
  mkdir -p "$src" "$dest"
  git -C "$repo" archive HEAD | tar -x -C "$src"
  ln -s "$repo/node_modules" "$src/node_modules"
  (cd "$src" && npm run --silent build)
  cp -a "$src/dist" "$src/package.json" "$src/package-lock.json" "$dest/"
  [ -f "$src/README.md" ] && cp "$src/README.md" "$dest/"
  # The repo's installed tree already has native modules built for this Node and glibc (bookworm, x86-64,
  # the same as the image), so pruning a copy needs neither the network nor a compiler.
  cp -a "$repo/node_modules" "$dest/node_modules"
  (cd "$dest" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund >/dev/null)
  local ort="$dest/node_modules/onnxruntime-node/bin"
  if [ -d "$ort" ]; then
    find "$ort" -mindepth 3 -maxdepth 3 -type d ! -path '*/linux/x64' -exec rm -rf {} +
  fi
  rm -rf "$src"
}

# app_tree REPO ARCH DEST: the app for ARCH in DEST; sets APP_NODE to the Node binary for ARCH.
app_tree() {
  local repo="$1" arch="$2" dest="$3"
  if [ "$arch" = amd64 ]; then
    stage_app "$repo" "$dest"
    # The build host's Node 20 is built for the same glibc as bookworm. Read by image/build:
    # shellcheck disable=SC2034
    APP_NODE="$(readlink -f "$(command -v node)")"
  else
    echo "image/build: no $arch app tree: image/lib/target-tree.sh (native modules and Node for $arch) is missing" >&2
    return 69
  fi
}
