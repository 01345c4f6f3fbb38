# shellcheck shell=bash
# The disk: boot (FAT, systemd-boot), rootfs_a, rootfs_b, data, each found by partition label.
# Every filesystem is made as a plain file from a directory tree and written into place with dd.

BOOT_MB=${BOOT_MB:-192}
ROOT_SLOT_MB=${ROOT_SLOT_MB:-1536}
DATA_MB=${DATA_MB:-256}

make_disk() {
  local rootfs="$1" work="$2" image="$3" used kernel initrd
  used=$(du -sm "$rootfs" | cut -f1)
  # ext4 metadata and the headroom an OS update needs on a fixed-size slot.
  if [ $((used * 13 / 10)) -gt "$ROOT_SLOT_MB" ]; then
    echo "image/build: root tree is ${used} MiB, too big for a ${ROOT_SLOT_MB} MiB slot (set ROOT_SLOT_MB)" >&2
    return 1
  fi
  kernel=$(ls "$rootfs"/boot/vmlinuz-* | sort -V | tail -1)
  initrd=$(ls "$rootfs"/boot/initrd.img-* | sort -V | tail -1)

  rm -f "$work/boot.fat"
  mkfs.fat -F 32 -n BOOT -C "$work/boot.fat" $((BOOT_MB * 1024)) >/dev/null
  local m=(-i "$work/boot.fat")
  mmd "${m[@]}" ::/EFI ::/EFI/BOOT ::/loader ::/loader/entries ::/outpost
  mcopy "${m[@]}" "$rootfs/usr/lib/systemd/boot/efi/systemd-bootx64.efi" ::/EFI/BOOT/BOOTX64.EFI
  mcopy "${m[@]}" "$kernel" ::/outpost/vmlinuz
  mcopy "${m[@]}" "$initrd" ::/outpost/initrd.img
  printf 'default outpost-a.conf\ntimeout 0\neditor no\n' > "$work/loader.conf"
  # Serial last: it becomes /dev/console, which is where a headless box (and QEMU's log) can be read.
  printf 'title Outpost (slot a)\nlinux /outpost/vmlinuz\ninitrd /outpost/initrd.img\noptions root=PARTLABEL=rootfs_a ro rootwait console=tty0 console=ttyS0,115200\n' > "$work/outpost-a.conf"
  mcopy "${m[@]}" "$work/loader.conf" ::/loader/loader.conf
  mcopy "${m[@]}" "$work/outpost-a.conf" ::/loader/entries/outpost-a.conf

  local fs
  # Made at their size first, so mke2fs writes into them instead of announcing it creates them.
  for fs in rootfs_a rootfs_b; do rm -f "$work/$fs.ext4" && truncate -s "${ROOT_SLOT_MB}M" "$work/$fs.ext4"; done
  rm -f "$work/data.ext4" && truncate -s "${DATA_MB}M" "$work/data.ext4"
  mkfs.ext4 -q -F -L rootfs_a -d "$rootfs" "$work/rootfs_a.ext4" "${ROOT_SLOT_MB}M"
  # Slot b stays an empty filesystem until an OS update writes it.
  mkfs.ext4 -q -F -L rootfs_b "$work/rootfs_b.ext4" "${ROOT_SLOT_MB}M"
  mkfs.ext4 -q -F -L data "$work/data.ext4" "${DATA_MB}M"

  local boot_at=1 a_at b_at data_at total
  a_at=$((boot_at + BOOT_MB)); b_at=$((a_at + ROOT_SLOT_MB)); data_at=$((b_at + ROOT_SLOT_MB))
  total=$((data_at + DATA_MB + 1))
  rm -f "$image" && truncate -s "${total}M" "$image"
  sfdisk --quiet "$image" <<TABLE
label: gpt
start=${boot_at}MiB, size=${BOOT_MB}MiB, type=uefi, name=boot
start=${a_at}MiB, size=${ROOT_SLOT_MB}MiB, type=linux, name=rootfs_a
start=${b_at}MiB, size=${ROOT_SLOT_MB}MiB, type=linux, name=rootfs_b
start=${data_at}MiB, size=${DATA_MB}MiB, type=linux, name=data
TABLE
  dd if="$work/boot.fat" of="$image" bs=1M seek="$boot_at" conv=notrunc,sparse status=none
  dd if="$work/rootfs_a.ext4" of="$image" bs=1M seek="$a_at" conv=notrunc,sparse status=none
  dd if="$work/rootfs_b.ext4" of="$image" bs=1M seek="$b_at" conv=notrunc,sparse status=none
  dd if="$work/data.ext4" of="$image" bs=1M seek="$data_at" conv=notrunc,sparse status=none
}
