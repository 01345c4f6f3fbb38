# shellcheck shell=bash
# shellcheck disable=SC2034 # the settings are read by image/build
# What differs between targets: CPU architecture, kernel, boot chain and partition table. Everything else
# (Debian packages, read-only root, data partition, units) is the same on every target.

# Packages on every target. avahi-daemon announces outpost.local; nftables sends port 80 to the app's 8080;
# fdisk and e2fsprogs grow the data partition on first boot.
COMMON_PACKAGES=systemd,systemd-sysv,udev,dbus,kmod,iproute2,netbase,ca-certificates,procps,systemd-timesyncd,initramfs-tools,e2fsprogs,fdisk,avahi-daemon,nftables

# What an arm64 initramfs needs to find and mount the root slot: ext4 (and the checksum its metadata uses),
# the disk on QEMU's virt board (virtio), the Pi's SD card (sdhci-iproc on the Pi 4, bcm2835 sdhost on the
# Pi 3) and USB boot (dwc2 on the Pi 3; the Pi 4's VL805 behind the brcmstb PCIe bridge needs its reset
# controller). MODULES=most would pack every storage driver the kernel has: under qemu-user that initramfs
# takes most of an arm64 build, for boards Outpost does not target.
ARM64_ROOT_MODULES='ext4 crc32c_generic virtio_mmio virtio_pci virtio_blk sdhci_iproc bcm2835 mmc_block
dwc2 pcie_brcmstb reset_raspberrypi xhci_pci usb_storage uas sd_mod'

# The generic targets also run as virtual machines: qemu-guest-agent starts only when the hypervisor offers
# its channel (test/image drives OS updates through it), and never on bare metal.
# Sets ARCH (Debian's name), QEMU_ARCH (the kernel's), KERNEL_PACKAGE, BOOT_CHAIN (efi|uboot-qemu|uboot-rpi), PARTITION_TABLE, TARGET_PACKAGES,
# COMPONENTS (apt components beyond main the target needs) and INITRAMFS_MODULES (empty: initramfs-tools'
# MODULES=most).
select_target() {
  COMPONENTS='' INITRAMFS_MODULES=''
  case "$1" in
    generic-amd64)
      ARCH=amd64 QEMU_ARCH=x86_64 KERNEL_PACKAGE=linux-image-amd64 BOOT_CHAIN=efi PARTITION_TABLE=gpt
      # The boot loader binary comes from the target's archive, not from the build host.
      TARGET_PACKAGES=systemd-boot-efi,qemu-guest-agent ;;
    generic-arm64)
      # U-Boot is the machine's firmware (QEMU's `virt` board takes it as -bios); the disk carries boot.scr.
      ARCH=arm64 QEMU_ARCH=aarch64 KERNEL_PACKAGE=linux-image-arm64 BOOT_CHAIN=uboot-qemu PARTITION_TABLE=dos
      TARGET_PACKAGES=rauc,rauc-service,libubootenv-tool,qemu-guest-agent
      INITRAMFS_MODULES="$ARM64_ROOT_MODULES" ;;
    rpi-arm64)
      # The Pi's ROM reads only MBR disks; its firmware (non-free-firmware) starts U-Boot, U-Boot runs boot.scr.
      ARCH=arm64 QEMU_ARCH=aarch64 KERNEL_PACKAGE=linux-image-arm64 BOOT_CHAIN=uboot-rpi PARTITION_TABLE=dos
      TARGET_PACKAGES=rauc,rauc-service,libubootenv-tool,raspi-firmware,u-boot-rpi COMPONENTS=non-free-firmware
      INITRAMFS_MODULES="$ARM64_ROOT_MODULES" ;;
    *) return 1 ;;
  esac
}
