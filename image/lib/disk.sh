# shellcheck shell=bash
# The disk: boot (FAT, first), rootfs_a, rootfs_b, data. Every filesystem is made as a plain file from a
# directory tree (`mkfs.ext4 -d`, mtools) and written into place with dd: no loop mounts.

BOOT_MB=${BOOT_MB:-192}
ROOT_SLOT_MB=${ROOT_SLOT_MB:-1536}
# The MBR disk id, fixed so RAUC's slot paths (/dev/disk/by-partuuid/<id>-02) hold on every card made from
# the image. The bytes of "outp".
DISK_ID=6f757470

# Reproducibility: the same commit and the same package versions make the same filesystems. File times are
# clamped to SOURCE_DATE_EPOCH (image/build sets it to the commit's time), mke2fs's own timestamps too
# (E2FSPROGS_FAKE_TIME), and filesystem UUIDs and hash seeds are derived from the label instead of drawn at random.
# Not yet byte for byte: bookworm's mke2fs (1.47.0) copies each inode's change time from the tree, which no
# tool can set; 1.47.1 clamps it to SOURCE_DATE_EPOCH.

# clamp_mtimes TREE
clamp_mtimes() {
  find "$1" -newermt "@$SOURCE_DATE_EPOCH" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
}

# ext4_from_tree LABEL TREE FILE
ext4_from_tree() {
  local label="$1" tree="$2" file="$3" uuid
  uuid=$(printf 'outpost:ext4:%s' "$label" | sha1sum | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/')
  [ -z "$tree" ] || clamp_mtimes "$tree"
  E2FSPROGS_FAKE_TIME="$SOURCE_DATE_EPOCH" mkfs.ext4 -q -F -L "$label" -U "$uuid" -E "hash_seed=$uuid" ${tree:+-d "$tree"} "$file"
}

# rootfs_image TREE FILE: an ext4 just big enough for the tree plus headroom; the same file is slot a in
# the disk and the payload of an OS update bundle, so an update never copies empty blocks.
rootfs_image() {
  local tree="$1" file="$2" used size
  used=$(du -sm "$tree" | cut -f1)
  size=$((used * 5 / 4 + 64))
  if [ "$size" -gt "$ROOT_SLOT_MB" ]; then
    echo "image/build: root tree is ${used} MiB, too big for a ${ROOT_SLOT_MB} MiB slot (set ROOT_SLOT_MB)" >&2
    return 1
  fi
  # Made at its size first, so mke2fs writes into it instead of announcing it creates it.
  rm -f "$file" && truncate -s "${size}M" "$file"
  ext4_from_tree rootfs "$tree" "$file"
}

# data_image TREE FILE: the data partition with room for a second app release and the database; first boot
# grows it to fill the card.
data_image() {
  local tree="$1" file="$2" used size
  used=$(du -sm "$tree" | cut -f1)
  size=$((used * 3 + 128))
  rm -f "$file" && truncate -s "${size}M" "$file"
  ext4_from_tree data "$tree" "$file"
}

# boot_image TREE FILE
boot_image() {
  local tree="$1" file="$2"
  rm -f "$file"
  clamp_mtimes "$tree"
  mkfs.fat -F 32 -n BOOT --invariant -C "$file" $((BOOT_MB * 1024)) >/dev/null
  # -m keeps the (clamped) file times instead of stamping the time of the copy.
  mcopy -s -m -i "$file" "$tree"/* ::/
}

# make_disk WORK ROOTFS IMAGE TABLE: WORK holds boot.fat and data.ext4; ROOTFS goes into slot a. TABLE is
# gpt (partitions found by their labels) or dos (the Pi's ROM reads nothing else; partitions found by the
# fixed disk id).
make_disk() {
  local work="$1" rootfs="$2" image="$3" table="$4" data_mb boot_at=1 a_at b_at data_at total
  data_mb=$(( ($(stat -c %s "$work/data.ext4") + 1048575) / 1048576 ))
  rm -f "$work/rootfs_b.ext4" && truncate -s "${ROOT_SLOT_MB}M" "$work/rootfs_b.ext4"
  # Slot b stays an empty filesystem until an OS update writes it.
  ext4_from_tree rootfs '' "$work/rootfs_b.ext4"
  a_at=$((boot_at + BOOT_MB)); b_at=$((a_at + ROOT_SLOT_MB)); data_at=$((b_at + ROOT_SLOT_MB))
  total=$((data_at + data_mb + 1))
  rm -f "$image" && truncate -s "${total}M" "$image"
  if [ "$table" = gpt ]; then
    sfdisk --quiet "$image" <<TABLE
label: gpt
start=${boot_at}MiB, size=${BOOT_MB}MiB, type=uefi, name=boot
start=${a_at}MiB, size=${ROOT_SLOT_MB}MiB, type=linux, name=rootfs_a
start=${b_at}MiB, size=${ROOT_SLOT_MB}MiB, type=linux, name=rootfs_b
start=${data_at}MiB, size=${data_mb}MiB, type=linux, name=data
TABLE
  else
    sfdisk --quiet "$image" <<TABLE
label: dos
label-id: 0x${DISK_ID}
start=${boot_at}MiB, size=${BOOT_MB}MiB, type=c, bootable
start=${a_at}MiB, size=${ROOT_SLOT_MB}MiB, type=83
start=${b_at}MiB, size=${ROOT_SLOT_MB}MiB, type=83
start=${data_at}MiB, size=${data_mb}MiB, type=83
TABLE
  fi
  dd if="$work/boot.fat" of="$image" bs=1M seek="$boot_at" conv=notrunc,sparse status=none
  dd if="$rootfs" of="$image" bs=1M seek="$a_at" conv=notrunc,sparse status=none
  dd if="$work/rootfs_b.ext4" of="$image" bs=1M seek="$b_at" conv=notrunc,sparse status=none
  dd if="$work/data.ext4" of="$image" bs=1M seek="$data_at" conv=notrunc,sparse status=none
}
