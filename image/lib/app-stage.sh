# shellcheck shell=bash
# The app as it goes into the image: image/lib/target-tree.sh (shared with the OTA bundles and the .deb)
# compiles the committed tree with production dependencies and native modules for the target architecture,
# and brings the Node 20 binary for it.

# app_tree IMAGE_DIR ARCH DEST: the release in DEST; sets APP_NODE to the Node binary for ARCH. Node belongs to the OS
# (the units run /usr/lib/outpost/node, updated with the root filesystem), so the release goes without it.
app_tree() {
  local here="$1" arch="$2" dest="$3" tree
  tree="$(dirname "$dest")/target-tree"
  "$here/lib/target-tree.sh" "$arch" "$tree"
  mkdir -p "$(dirname "$dest")/node"
  mv "$tree/node/bin/node" "$(dirname "$dest")/node/node"
  rm -rf "$tree/node"
  mv "$tree" "$dest"
  # shellcheck disable=SC2034 # read by image/build
  APP_NODE="$(dirname "$dest")/node/node"
}
