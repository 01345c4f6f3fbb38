# shellcheck shell=bash
# The EFI boot chain (generic-amd64): systemd-boot with one entry per root slot, kernel and initramfs on
# the EFI system partition.

# efi_boot_files ROOTFS BOOT_DIR
efi_boot_files() {
  local rootfs="$1" boot="$2" kernel initrd
  kernel=$(ls "$rootfs"/boot/vmlinuz-* | sort -V | tail -1)
  initrd=$(ls "$rootfs"/boot/initrd.img-* | sort -V | tail -1)
  mkdir -p "$boot/EFI/BOOT" "$boot/loader/entries" "$boot/outpost"
  cp "$rootfs/usr/lib/systemd/boot/efi/systemd-bootx64.efi" "$boot/EFI/BOOT/BOOTX64.EFI"
  cp "$kernel" "$boot/outpost/vmlinuz"
  cp "$initrd" "$boot/outpost/initrd.img"
  printf 'default outpost-a.conf\ntimeout 0\neditor no\n' > "$boot/loader/loader.conf"
  # Serial last: it becomes /dev/console, which is where a headless box (and QEMU's log) can be read.
  printf 'title Outpost (slot a)\nlinux /outpost/vmlinuz\ninitrd /outpost/initrd.img\noptions root=PARTLABEL=rootfs_a ro rootwait console=tty0 console=ttyS0,115200\n' > "$boot/loader/entries/outpost-a.conf"
}
