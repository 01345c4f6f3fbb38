import { execFileSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { clearImageWork, imageUnderTest, imageWork } from './image-under-test.js';
import { bootImage, type BootedVm } from './qemu-vm.js';

/**
 * Builds the rpi-arm64 image and boots it in qemu-system-aarch64's Raspberry Pi 3 B (TCG) from its SD card:
 * QEMU starts the Pi U-Boot and device tree from the image's boot partition where the GPU firmware would, so
 * Debian's `u-boot-rpi`, the image's boot.scr, Debian's kernel and the image's initramfs find the root slot on
 * the Pi's own SD host controller. The board has no usable network under QEMU: the test reads the console,
 * where the image reports its state and the OS commit (made only once the appliance answers its own health
 * check). Root, mtools and qemu-system-arm; tens of minutes: opt in with OUTPOST_IMAGE_RPI_TEST=1.
 * OUTPOST_IMAGE=path/to/outpost-*-rpi-arm64.img boots an existing build; OUTPOST_IMAGE_LOG_DIR keeps the log.
 */
const enabled = process.env.OUTPOST_IMAGE_RPI_TEST === '1';
if (!enabled) console.info('test/image rpi skipped: set OUTPOST_IMAGE_RPI_TEST=1 to build the Raspberry Pi image and boot it as a Pi 3 B');

const BOOT_MS = 30 * 60_000;
/** QEMU wants a power-of-two SD card; bigger than the image, so first boot grows the data partition. */
const CARD_MIB = 4096;

describe.skipIf(!enabled)('rpi-arm64 image on an emulated Raspberry Pi 3 B', () => {
  let work: string;
  let vm: BootedVm;

  beforeAll(async () => {
    let logDir: string;
    ({ work, logDir } = imageWork('rpi-arm64'));
    const image = imageUnderTest('rpi-arm64', work);
    // The boot partition starts at 1 MiB (image/lib/disk.sh); mtools reads it in place.
    const fromBoot = (name: string) => {
      execFileSync('mcopy', ['-o', '-i', `${image}@@1M`, `::/${name}`, join(work, name)]);
      return join(work, name);
    };
    vm = await bootImage({
      board: { kind: 'raspi3b', uboot: fromBoot('u-boot.bin'), dtb: fromBoot('bcm2837-rpi-3-b.dtb') },
      image, overlay: join(work, 'card.qcow2'), diskMiB: CARD_MIB, serialLog: join(logDir, `serial-${basename(image, '.img')}.log`),
    });
    console.info(`serial console log: ${vm.serialLog}`);
  }, 60 * 60_000);

  afterAll(async () => {
    await vm?.stop();
    clearImageWork(work);
  });

  it('boots slot A through the Pi U-Boot and boot.scr, and mounts its root from the SD card', async () => {
    await until('U-Boot to pick slot A', () => /outpost: booting slot A/.test(vm.serial()) || undefined, 5 * 60_000);
    await until('the root slot mounted from the SD card', () => /EXT4-fs \(mmcblk0p2\): mounted/.test(vm.serial()) || undefined, 10 * 60_000);
  }, 16 * 60_000);

  it('reaches a running system with a read-only root, grows the data partition, and commits the slot once the appliance is healthy', async () => {
    const started = Date.now();
    const report = await until('the boot report', () => /OUTPOST-BOOT-REPORT .*/.exec(vm.serial())?.[0], BOOT_MS);
    console.info(`${report}\n(boot report ${((Date.now() - started) / 1000).toFixed(0)} s after the root was mounted)`);
    expect(report).toMatch(/ state=running /);
    expect(report).toMatch(/ root=ro,/);
    expect(report).toMatch(/ data=\/dev\/mmcblk0p4,ext4,rw,/);
    expect(report).toMatch(/ slot=A /);
    expect(report).toMatch(/ failed=$/);
    expect(vm.serial()).toMatch(/OUTPOST-FIRST-BOOT data=\d+MiB machine-id=[0-9a-f]{32}/);
    await until('slot A committed', () => /OUTPOST-OS-COMMIT slot=A good/.test(vm.serial()) || undefined, 15 * 60_000);
  }, BOOT_MS + 16 * 60_000);
});
