# shellcheck shell=bash
# The root filesystem tree: Debian bookworm for the target's architecture from the given apt sources, then
# the Outpost system on top of it. A foreign architecture runs its package scripts under qemu-user (binfmt).

# make_rootfs DIR ARCH PACKAGES MODULES SOURCES...: MODULES are the initramfs's kernel modules, one per
# word (empty: initramfs-tools' MODULES=most).
make_rootfs() {
  local dir="$1" arch="$2" packages="$3" modules="$4" initramfs_config=''
  shift 4
  if [ -n "$modules" ]; then
    # shellcheck disable=SC2016 # $1 is mmdebstrap's, expanded in its hook
    initramfs_config='echo MODULES=list > "$1/etc/initramfs-tools/conf.d/outpost" && printf "%s\n" '"${modules//[[:space:]]/ }"' >> "$1/etc/initramfs-tools/modules" && '
  fi
  # update-initramfs is a no-op while packages install and runs once at the end: under emulation each run
  # costs minutes, and every package with initramfs hooks would trigger one.
  # /boot/firmware exists before raspi-firmware's scripts look for it.
  # Docs, man pages and translations are dead weight on an appliance nobody logs into.
  mmdebstrap --quiet --variant=apt --mode=root --architectures="$arch" --include="$packages" \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/locale/*' \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --setup-hook='mkdir -p "$1/boot/firmware"' \
    --essential-hook='chroot "$1" dpkg-divert --quiet --local --rename --add /usr/sbin/update-initramfs && ln -s /bin/true "$1/usr/sbin/update-initramfs"' \
    --customize-hook="$initramfs_config"'rm "$1/usr/sbin/update-initramfs" && chroot "$1" dpkg-divert --quiet --local --rename --remove /usr/sbin/update-initramfs && chroot "$1" update-initramfs -c -k all' \
    bookworm "$dir" "$@"
}

# customize_rootfs DIR NODE BOOT_CHAIN REPO IMAGE_DIR: the Outpost system on the Debian tree. The app itself
# is not here but on the data partition (see data_tree), so the root stays read-only and OS-only.
customize_rootfs() {
  local dir="$1" node="$2" chain="$3" repo="$4" here="$5" units
  cp -a "$here/rootfs-overlay/." "$dir/"
  [ "$chain" = efi ] || cp -a "$here/rootfs-overlay-uboot/." "$dir/"
  echo outpost > "$dir/etc/hostname"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\toutpost\n::1\tlocalhost ip6-localhost ip6-loopback\n' > "$dir/etc/hosts"
  # Empty: systemd makes one up at boot on the read-only root, and first boot keeps it (first-boot).
  : > "$dir/etc/machine-id"

  # Groups the unit asks for; Debian has no gpio group, and bluez (which makes bluetooth) is not installed.
  chroot "$dir" groupadd --system --force gpio
  chroot "$dir" groupadd --system --force bluetooth
  chroot "$dir" useradd --system --user-group --home-dir /var/lib/outpost --no-create-home --shell /usr/sbin/nologin outpost

  # Bookworm's nodejs is 18; the app needs 20. Node is part of the OS (updated with RAUC), not of a release.
  install -D -m 0755 "$node" "$dir/usr/lib/outpost/node/bin/node"
  ln -sf /usr/lib/outpost/node/bin/node "$dir/usr/bin/node"

  install -m 0644 "$repo"/systemd/*.service "$repo"/systemd/*.path "$dir/etc/systemd/system/"
  units='outpost.service outpost-update.path outpost-boot-report.service outpost-first-boot.service outpost-setup-code.path'
  units="$units systemd-networkd.service systemd-timesyncd.service avahi-daemon.service nftables.service"
  [ "$chain" = efi ] || units="$units outpost-os-commit.service"
  # shellcheck disable=SC2086
  chroot "$dir" systemctl enable --quiet $units
  # Mount points of the data partition and its bind mounts (fstab), and of the boot partition.
  mkdir -p "$dir/data" "$dir/opt/outpost" "$dir/var/lib/outpost" "$dir/boot/firmware"

  rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/*.bin "$dir"/var/cache/apt/archives/*.deb
}
