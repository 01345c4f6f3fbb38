# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings are read by image/build
# What differs between targets: CPU architecture, kernel, boot chain and partition table. Everything else
# (Debian packages, read-only root, data partition, units) is the same on every target.

# Packages on every target. avahi-daemon announces outpost.local; nftables sends port 80 to the app's 8080;
# fdisk and e2fsprogs grow the data partition on first boot.
COMMON_PACKAGES=systemd,systemd-sysv,udev,dbus,kmod,iproute2,netbase,ca-certificates,procps,systemd-timesyncd,initramfs-tools,e2fsprogs,fdisk,avahi-daemon,nftables

# The generic targets also run as virtual machines: qemu-guest-agent starts only when the hypervisor offers
# its channel (test/image drives OS updates through it), and never on bare metal.
# Sets ARCH (Debian's name), QEMU_ARCH (the kernel's), KERNEL_PACKAGE, BOOT_CHAIN (efi|uboot-qemu|uboot-rpi), PARTITION_TABLE, TARGET_PACKAGES and
# COMPONENTS (apt components beyond main the target needs).
select_target() {
  COMPONENTS=''
  case "$1" in
    generic-amd64)
      ARCH=amd64 QEMU_ARCH=x86_64 KERNEL_PACKAGE=linux-image-amd64 BOOT_CHAIN=efi PARTITION_TABLE=gpt
      # The boot loader binary comes from the target's archive, not from the build host.
      TARGET_PACKAGES=systemd-boot-efi,qemu-guest-agent ;;
    generic-arm64)
      # U-Boot is the machine's firmware (QEMU's `virt` board takes it as -bios); the disk carries boot.scr.
      ARCH=arm64 QEMU_ARCH=aarch64 KERNEL_PACKAGE=linux-image-arm64 BOOT_CHAIN=uboot-qemu PARTITION_TABLE=dos
      TARGET_PACKAGES=rauc,libubootenv-tool,qemu-guest-agent ;;
    rpi-arm64)
      # The Pi's ROM reads only MBR disks; its firmware (non-free-firmware) starts U-Boot, U-Boot runs boot.scr.
      ARCH=arm64 QEMU_ARCH=aarch64 KERNEL_PACKAGE=linux-image-arm64 BOOT_CHAIN=uboot-rpi PARTITION_TABLE=dos
      TARGET_PACKAGES=rauc,libubootenv-tool,raspi-firmware,u-boot-rpi COMPONENTS=non-free-firmware ;;
    *) return 1 ;;
  esac
}
