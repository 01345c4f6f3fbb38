# Outpost A/B boot, the layout RAUC's `uboot` backend drives: BOOT_ORDER lists the root slots to try first
# to last, BOOT_A_LEFT/BOOT_B_LEFT the tries each has left. Each try costs one before Linux starts; RAUC puts
# it back to 3 when the booted system marks itself good (`rauc status mark-good`, after the app answered its
# health check). A slot that used up its tries is skipped, so a bad update falls back by itself.
# The state is a checksummed environment in outpost.env on the boot partition: this script reads and writes it
# with `env import/export -c` and `fatwrite`, Linux with fw_printenv/fw_setenv (/etc/fw_env.config). It is not
# U-Boot's own environment: Debian's Pi U-Boot loads uboot.env from this partition as its whole environment,
# and a file with only these variables would leave it without a bootcmd (QEMU's build keeps its own in flash).
# @CONSOLE@ is replaced per target by image/build.

setenv BOOT_ORDER "A B"
setenv BOOT_A_LEFT 3
setenv BOOT_B_LEFT 3
setenv MACHINE_ID none
if load ${devtype} ${devnum}:1 ${kernel_addr_r} outpost.env; then
  env import -c ${kernel_addr_r} 0x4000
fi

setenv slot
for BOOT_SLOT in "${BOOT_ORDER}"; do
  if test "x${slot}" != "x"; then
    true
  elif test "x${BOOT_SLOT}" = "xA"; then
    if test ${BOOT_A_LEFT} -gt 0; then
      setexpr BOOT_A_LEFT ${BOOT_A_LEFT} - 1
      setenv slot A
      setenv rootpart 2
    fi
  elif test "x${BOOT_SLOT}" = "xB"; then
    if test ${BOOT_B_LEFT} -gt 0; then
      setexpr BOOT_B_LEFT ${BOOT_B_LEFT} - 1
      setenv slot B
      setenv rootpart 3
    fi
  fi
done

if test "x${slot}" = "x"; then
  # Both slots used up their tries (a power cut loop, say): start over rather than never boot again.
  echo "outpost: no slot has tries left, giving both 3 again"
  setenv BOOT_A_LEFT 3
  setenv BOOT_B_LEFT 3
  setenv slot A
  setenv rootpart 2
fi
echo "outpost: booting slot ${slot} (order ${BOOT_ORDER}, tries left A=${BOOT_A_LEFT} B=${BOOT_B_LEFT})"

env export -c -s 0x4000 ${kernel_addr_r} BOOT_ORDER BOOT_A_LEFT BOOT_B_LEFT MACHINE_ID
fatwrite ${devtype} ${devnum}:1 ${kernel_addr_r} outpost.env 0x4000

# The first-boot unit stores the machine id here: the root is read-only, so /etc/machine-id cannot keep it.
setenv machine_id_arg
if test "${MACHINE_ID}" != "none"; then setenv machine_id_arg systemd.machine_id=${MACHINE_ID}; fi

# Kernel and initramfs come from the chosen slot, so an OS update brings its own. Debian's arm64 kernel is
# gzip-compressed; booti unpacks it through kernel_comp_addr_r.
setenv kernel_comp_addr_r 0x50000000
setenv kernel_comp_size 0x4000000
if load ${devtype} ${devnum}:${rootpart} ${kernel_addr_r} /vmlinuz && load ${devtype} ${devnum}:${rootpart} ${ramdisk_addr_r} /initrd.img; then
  setenv initrd_size ${filesize}
  part uuid ${devtype} ${devnum}:${rootpart} rootuuid
  # panic=10: a slot whose kernel or init fails reboots, and the next try (or the other slot) follows.
  setenv bootargs "root=PARTUUID=${rootuuid} ro rootwait panic=10 rauc.slot=${slot} ${machine_id_arg} @CONSOLE@"
  booti ${kernel_addr_r} ${ramdisk_addr_r}:${initrd_size} ${fdt_addr}
fi
echo "outpost: slot ${slot} did not boot, trying again"
reset
