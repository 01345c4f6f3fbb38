import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until.js';
import { clearImageWork, imageUnderTest, imageWork } from './image-under-test.js';
import { bootImage, healthy, OVMF, type BootedVm } from './qemu-vm.js';

/**
 * Builds the generic-amd64 image and boots it in QEMU. Minutes of work (build about 2.5 min, boot under
 * TCG about 1–2 min), and it needs root and qemu-system-x86, ovmf, mmdebstrap: opt in with
 * OUTPOST_IMAGE_TEST=1 (`npm run test:image`). OUTPOST_IMAGE=path/to.img boots an existing build instead;
 * OUTPOST_IMAGE_LOG_DIR keeps the serial console log (default: a temp dir, printed).
 */
const enabled = process.env.OUTPOST_IMAGE_TEST === '1';
if (!enabled) console.info('test/image skipped: set OUTPOST_IMAGE_TEST=1 (or run `npm run test:image`) to build and boot the OS image');

// Generous: under TCG on a busy 2-core host a boot has taken over 5 minutes.
const BOOT_TIMEOUT_MS = 12 * 60_000;
/** The virtual disk is bigger than the image, as a card is: first boot grows the data partition into the rest. */
const DISK_MIB = 6144;

describe.skipIf(!enabled)('generic-amd64 image under QEMU', () => {
  let work: string;
  let vm: BootedVm;
  let bootMs: number;
  let report: string;
  let firstBoot: string;

  beforeAll(async () => {
    let logDir: string;
    ({ work, logDir } = imageWork('generic-amd64'));
    const image = imageUnderTest('generic-amd64', work);
    const bootStarted = Date.now();
    vm = await bootImage({
      board: { kind: 'amd64' }, image, overlay: join(work, 'disk.qcow2'), diskMiB: DISK_MIB, serialLog: join(logDir, 'serial-generic-amd64.log'),
    });
    console.info(`serial console log: ${vm.serialLog}`);
    await until('/api/health to answer 200', () => healthy(vm.httpPort), BOOT_TIMEOUT_MS);
    bootMs = Date.now() - bootStarted;
    console.info(`boot to /api/health 200: ${(bootMs / 1000).toFixed(1)} s (QEMU TCG, 2 vCPU, 1 GiB)`);
    report = await until('the boot report on the console', () => /OUTPOST-BOOT-REPORT .*/.exec(vm.serial())?.[0], 120_000);
    firstBoot = await until('the first-boot line on the console', () => /OUTPOST-FIRST-BOOT .*/.exec(vm.serial())?.[0], 120_000);
    console.info(`${report}\n${firstBoot}`);
  }, BOOT_TIMEOUT_MS + 40 * 60_000);

  afterAll(async () => {
    await vm?.stop();
    clearImageWork(work);
  });

  it('answers /api/health with 200 on the forwarded port', async () => {
    const res = await fetch(`http://127.0.0.1:${vm.httpPort}/api/health`);
    expect(res.status).toBe(200);
    expect(bootMs).toBeGreaterThan(0);
  });

  it('serves the setup page at /', async () => {
    const res = await fetch(`http://127.0.0.1:${vm.httpPort}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(await res.text()).toMatch(/<html/i);
  });

  it('serves the setup page on port 80 too, where http://outpost.local goes', async () => {
    const res = await fetch(`http://127.0.0.1:${vm.port80}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });

  it('finishes booting with no failed unit, a read-only root, and data and app releases on the data partition', () => {
    expect(report).toMatch(/ state=running /);
    expect(report).toMatch(/ root=ro,/);
    expect(report).toMatch(/ data=\/dev\/vda4,ext4,rw,/);
    // The app's own updater writes its releases here, so it needs the writable data partition.
    expect(report).toMatch(/ app=\/dev\/vda4\[\/app\],ext4,rw,/);
    expect(report).toMatch(/ failed=$/);
  });

  it('grows the data partition to fill the disk and keeps a machine id of its own on first boot', () => {
    const [, dataMiB, machineId] = /data=(\d+)MiB machine-id=([0-9a-f]{32})/.exec(firstBoot) ?? [];
    expect(Number(dataMiB)).toBeGreaterThan(DISK_MIB - 2 * 1536 - 192 - 200);
    expect(machineId).toBeDefined();
  });

  it('announces outpost.local over mDNS and reports the memory the whole system uses', () => {
    expect(report).toMatch(/ mdns=outpost\.local /);
    const [, usedKiB, appKiB] = /mem_used_kib=(\d+) app_rss_kib=(\d+)/.exec(report) ?? [];
    console.info(`whole system in use after boot: ${(Number(usedKiB) / 1024).toFixed(0)} MiB (MemTotal - MemAvailable); outpost user's processes RSS ${(Number(appKiB) / 1024).toFixed(0)} MiB`);
    expect(Number(usedKiB)).toBeGreaterThan(0);
    expect(Number(appKiB)).toBeGreaterThan(0);
  });
});

if (enabled && !existsSync(OVMF)) throw new Error(`${OVMF} missing: apt-get install ovmf qemu-system-x86`);
