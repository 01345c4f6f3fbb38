import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temperatureHumiditySensor } from '../../drivers/zigbee/emulator/device-catalog.js';
import { ZnpEmulator } from '../../drivers/zigbee/emulator/znp-emulator.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.js';
import { OutpostProcess } from '../support/outpost-process.js';
import { until } from '../support/until.js';

const SENSOR = '0x00124b00c0ffee01';
/** ZCL temperature measurement cluster. */
const TEMPERATURE = 1026;
/** Interview and converter lookup run in the box's process on a loaded 2-core machine: wait for states, generously. */
const WITHIN = { timeout: 30_000 };

/**
 * Pairing from the page: the box runs the real Zigbee driver against the ZNP emulator; the user opens
 * pairing, an emulated sensor joins, and its row appears on the open page without a reload. Then the
 * settings tab on the same box, which has neither systemd nor NetworkManager to apply to.
 */
describe('Zigbee pairing and settings in Chromium', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-web-zigbee-'));
  const emulator = new ZnpEmulator();
  let outpost: OutpostProcess;
  let browser: TestBrowser;
  let broker: Mosquitto;
  const sensor = temperatureHumiditySensor(SENSOR);
  const realPath = process.env.PATH;
  const bin = join(dir, 'bin');

  beforeAll(async () => {
    // A timedatectl of our own first on the box's PATH: the host's clock is never touched, and its calls are recorded.
    mkdirSync(bin);
    writeFileSync(join(bin, 'timedatectl'), `#!/bin/sh\necho "$@" >> ${join(bin, 'calls.log')}\n`);
    chmodSync(join(bin, 'timedatectl'), 0o755);
    await emulator.start();
    broker = await startMosquitto();
    const config = join(dir, 'config.json');
    writeFileSync(config, JSON.stringify({ zigbee: { enabled: true, port: emulator.path }, mqtt: { url: broker.url } }));
    // 2 s windows, so the sensor's reports become summaries for the uplink to publish soon.
    outpost = new OutpostProcess(['--config', config, '--data', join(dir, 'data'), '--window', '2']);
    process.env.PATH = `${bin}:${realPath}`;
    await outpost.start().finally(() => (process.env.PATH = realPath));
    await outpost.waitHealthy(60_000);
    const [name = '', value = ''] = ((await outpost.adminHeaders()).cookie ?? '').split('=');
    browser = await launchBrowser();
    await browser.context.addCookies([{ name, value, url: outpost.httpUrl! }]);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await outpost?.stop();
    await emulator.stop();
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens pairing with a countdown and shows a sensor that joins, live', async () => {
    const { page } = browser;
    await page.goto(outpost.httpUrl!);
    await expect.poll(() => page.textContent('#zigbee-state'), WITHIN).toContain('Pairing closed');
    await page.click('#form-zigbee > button:not([type])');
    await expect.poll(() => page.textContent('#zigbee-state'), WITHIN).toMatch(/Pairing open: \d+ s left/);
    const shown = await page.textContent('#zigbee-state');

    // The emulated sensor is put in pairing mode: it joins once the coordinator admits it.
    await until('the sensor joins the opened network', () => emulator.coordinator.network.join(sensor), 10_000);
    const row = page.locator(`tr[data-device="zigbee:${SENSOR}"]`);
    await row.waitFor(WITHIN);
    expect(await row.textContent()).toContain('SNZB-02');
    expect(await page.textContent('#zigbee-state')).not.toBe(shown);
    // The table is redrawn every 2 s while pairing is open, so no action on the row itself; the screenshot is full-page.
    await browser.screenshot('9-zigbee-joined');
  });

  it('shows when the uplink last published', async () => {
    const { page } = browser;
    await page.goto(`${outpost.httpUrl!}/#uplink`);
    const reporting = setInterval(() => emulator.coordinator.network.deliver(sensor, [sensor.set(1, TEMPERATURE, 0, 2345)]), 500);
    await expect.poll(() => page.textContent('#uplink'), WITHIN).toMatch(/Last publish\d{1,2}:\d{2}:\d{2}.*\(\d+ s ago\)/).finally(() => clearInterval(reporting));
    await browser.screenshot('11-uplink');
  });

  it('removes the sensor from the network, and its row goes without a reload', async () => {
    const { page } = browser;
    await page.goto(outpost.httpUrl!);
    await page.selectOption('#device-pick', `zigbee:${SENSOR}`);
    await page.click('#device-remove');
    await expect.poll(() => page.textContent('#device-answer'), WITHIN).toMatch(/left the Zigbee network|forgotten anyway/);
    await expect.poll(() => page.locator(`tr[data-device="zigbee:${SENSOR}"]`).count(), WITHIN).toBe(0);
    await page.click('#zigbee-stop');
    await expect.poll(() => page.textContent('#zigbee-state'), WITHIN).toContain('Pairing closed');
  });

  it('saves the site name at once, sets the time zone through timedatectl, and says the network cannot be set here', async () => {
    const { page } = browser;
    await page.goto(`${outpost.httpUrl!}/#settings`);
    await expect.poll(() => page.inputValue('#form-settings [name=siteName]'), WITHIN).toBe('Test site');
    await page.fill('#form-settings [name=siteName]', 'Cold store');
    await page.fill('#form-settings [name=timeZone]', 'Mars/Olympus');
    await page.click('#form-settings > button');
    await expect.poll(() => page.textContent('#form-settings [data-error-for=timeZone]'), WITHIN).toContain('not an IANA time zone');
    await page.fill('#form-settings [name=timeZone]', 'Europe/Berlin');
    await page.click('#form-settings > button');
    await expect.poll(() => page.textContent('#settings-answer'), WITHIN).toBe('Saved: site name applied; time zone set on the system.');
    expect(readFileSync(join(bin, 'calls.log'), 'utf8').trim().split('\n').at(-1)).toBe('set-timezone Europe/Berlin');
    expect(await page.textContent('#site')).toBe('Cold store');
    await expect.poll(() => page.textContent('#network'), WITHIN).toContain('Not available: NetworkManager (nmcli) is not installed');
    expect(await page.locator('#network-forms').isHidden()).toBe(true);
    await browser.screenshot('10-settings');
  });
});
