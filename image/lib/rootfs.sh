# shellcheck shell=bash
# The root filesystem tree: Debian bookworm from the given apt sources, then Outpost on top of it.

# systemd-boot-efi: the boot loader binary comes from the target's archive, not from the build host.
ROOTFS_PACKAGES=systemd,systemd-sysv,udev,dbus,kmod,iproute2,netbase,ca-certificates,procps,systemd-timesyncd,initramfs-tools,linux-image-amd64,systemd-boot-efi

make_rootfs() {
  local dir="$1"; shift
  # Docs, man pages and translations are dead weight on an appliance nobody logs into.
  mmdebstrap --quiet --variant=apt --mode=root --include="$ROOTFS_PACKAGES" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    bookworm "$dir" "$@"
}

customize_rootfs() {
  local dir="$1" app="$2" repo="$3" here="$4"
  cp -a "$here/rootfs-overlay/." "$dir/"
  echo outpost > "$dir/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\toutpost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$dir/etc/hosts"
  # Empty: systemd makes a transient one on the read-only root instead of every image sharing one id.
  : > "$dir/etc/machine-id"

  # Groups the unit asks for; Debian has no gpio group, and bluez (which makes bluetooth) is not installed yet.
  chroot "$dir" groupadd --system --force gpio
  chroot "$dir" groupadd --system --force bluetooth
  chroot "$dir" useradd --system --user-group --home-dir /var/lib/outpost --no-create-home --shell /usr/sbin/nologin outpost

  # Bookworm's nodejs is 18; the app needs 20. The build host's node is an x86-64 Node 20 built for the same glibc.
  install -D -m 0755 "$(readlink -f "$(command -v node)")" "$dir/opt/outpost/node/bin/node"
  ln -sf /opt/outpost/node/bin/node "$dir/usr/bin/node"

  # The release layout the app's own update agent uses (appliance/ota/release-slots.ts).
  mkdir -p "$dir/opt/outpost/releases"
  cp -a "$app" "$dir/opt/outpost/releases/a"
  chown -R 0:0 "$dir/opt/outpost"
  ln -sfn releases/a "$dir/opt/outpost/current"
  ln -sfn releases/a "$dir/opt/outpost/committed"

  install -m 0644 "$repo"/systemd/*.service "$repo"/systemd/*.path "$dir/etc/systemd/system/"
  chroot "$dir" systemctl enable --quiet outpost.service outpost-update.path outpost-boot-report.service systemd-networkd.service systemd-timesyncd.service
  mkdir -p "$dir/var/lib/outpost"

  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb
}
