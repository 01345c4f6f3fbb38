# shellcheck shell=bash
# The build reads the host's apt sources, so it goes through whatever mirror or proxy the host uses and no
# mirror name is ever written into the repo. A target that needs another component (the Pi's firmware is in
# non-free-firmware) gets a copy of those files with the component added.

host_sources() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -s "$f" ] && echo "$f"
  done
}

# with_components DIR COMPONENTS FILE... prints the paths of copies of FILE... that also list COMPONENTS.
with_components() {
  local dir="$1" components="$2" f copy i=0
  shift 2
  mkdir -p "$dir"
  for f in "$@"; do
    i=$((i + 1))
    copy="$dir/$i-$(basename "$f")"
    if [ -z "$components" ]; then
      cp "$f" "$copy"
    elif [[ "$f" == *.sources ]]; then
      sed -E "s/^(Components:.*)$/\1 $components/" "$f" > "$copy"
    else
      sed -E "s/^(deb(-src)? .*)$/\1 $components/" "$f" > "$copy"
    fi
    echo "$copy"
  done
}
