# shellcheck shell=bash
# The U-Boot boot chain (arm64 targets): boot.scr and its state file on the boot partition, RAUC and
# fw_setenv configured in the root, and for the Pi the firmware that starts U-Boot. The kernel and initramfs
# stay in each root slot, where boot.scr loads them from.

# uboot_boot_files ROOTFS BOOT_DIR TARGET BOOT_CHAIN IMAGE_DIR
uboot_boot_files() {
  local rootfs="$1" boot="$2" target="$3" chain="$4" here="$5" console
  mkdir -p "$boot"
  case "$chain" in
    uboot-qemu) console='console=ttyAMA0,115200' ;;
    # HDMI, then serial on the header: the last is /dev/console, where systemd and the image's boot and
    # commit reports write, and a headless box is diagnosed over its UART; a screen still shows the kernel.
    uboot-rpi) console='console=tty1 console=ttyS1,115200' ;;
  esac
  sed "s|@CONSOLE@|$console|" "$here/uboot/boot.cmd" > "$boot/boot.cmd"
  mkimage -q -A arm64 -O linux -T script -C none -n outpost -d "$boot/boot.cmd" "$boot/boot.scr"
  rm "$boot/boot.cmd"
  printf 'BOOT_ORDER=A B\nBOOT_A_LEFT=3\nBOOT_B_LEFT=3\nMACHINE_ID=none\n' > "$boot/outpost.env.txt"
  mkenvimage -s 0x4000 -o "$boot/outpost.env" "$boot/outpost.env.txt"
  rm "$boot/outpost.env.txt"

  if [ "$chain" = uboot-rpi ]; then
    # The GPU firmware (bootcode.bin for the Pi 3, start4/fixup4 for the Pi 4), the board device trees,
    # and U-Boot as the "kernel" the firmware starts.
    cp "$rootfs"/usr/lib/raspi-firmware/{bootcode.bin,start*.elf,fixup*.dat} "$boot/"
    cp "$rootfs"/usr/lib/linux-image-*/broadcom/bcm2*-rpi-*.dtb "$boot/"
    cp "$rootfs/usr/lib/u-boot/rpi_arm64/u-boot.bin" "$boot/u-boot.bin"
    cp "$here/uboot/config.txt" "$boot/config.txt"
  fi
  # raspi-firmware's scripts copy firmware and kernel under the mount point of the boot partition, where
  # the mounted partition would hide them.
  rm -rf "${rootfs:?}"/boot/firmware/*

  install -D -m 0644 "$here/uboot/fw_env.config" "$rootfs/etc/fw_env.config"
  mkdir -p "$rootfs/etc/rauc"
  sed -e "s|@TARGET@|$target|" -e "s|@DISK_ID@|$DISK_ID|" "$here/uboot/system.conf" > "$rootfs/etc/rauc/system.conf"
}

# rauc_keyring KEYS_DIR ROOTFS: the image trusts the certificate in KEYS_DIR (made here, self-signed, when
# the folder has none: a development key; keep it to sign later bundles for the same images).
rauc_keyring() {
  local keys="$1" rootfs="$2"
  if [ ! -f "$keys/key.pem" ]; then
    mkdir -p "$keys"
    openssl req -x509 -newkey rsa:4096 -nodes -days 3650 -subj "/O=Outpost/CN=Outpost OS updates (development)" \
      -keyout "$keys/key.pem" -out "$keys/cert.pem" 2>/dev/null
    chmod 0600 "$keys/key.pem"
  fi
  install -D -m 0644 "$keys/cert.pem" "$rootfs/etc/rauc/keyring.pem"
}
