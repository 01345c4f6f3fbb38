import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startScenario, type RunningScenario } from '../../drivers/sim/start-emulators.js';
import { silentLogger } from '../../appliance/log.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { OutpostProcess } from '../support/outpost-process.js';

const PASSWORD = 'Browser-Test-Passw0rd';
/** scrypt and the page's polling slow down on a loaded 2-core machine: wait for states, generously. */
const WITHIN = { timeout: 20_000 };

/**
 * One box, one browser, in the order a user meets the page: first boot, log out and in, add a device,
 * watch it live, see it fail. The steps share the box, so they run in order.
 */
describe('the setup page in Chromium', { timeout: 90_000 }, () => {
  let outpost: OutpostProcess;
  let browser: TestBrowser;
  let extra: RunningScenario;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-web-e2e-'));

  beforeAll(async () => {
    outpost = new OutpostProcess(['--scenario', 'factory', '--window', '2', '--data', dir]);
    await outpost.start();
    await outpost.waitHealthy();
    // A second emulated site whose meter the user adds by hand, and whose outage raises an alert.
    extra = await startScenario('factory', { log: silentLogger(), seed: 7 });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await extra?.stop();
    await outpost?.stop();
  });

  it('first boot: setup code, admin password, site, then the dashboard', async () => {
    const { page } = browser;
    await page.goto(outpost.httpUrl!);
    await page.locator('#screen-code').waitFor();
    await browser.screenshot('1-setup-code');
    await page.fill('#form-code [name=code]', 'WRNG-CODE-XXXX');
    await page.click('#form-code button');
    await expect.poll(() => page.textContent('[data-error-for=code]'), WITHIN).toContain('not the setup code');

    const code = (await outpost.waitForLog('setup code', (l) => typeof l.setupCode === 'string')).setupCode as string;
    await page.fill('#form-code [name=code]', code.toLowerCase());
    await page.click('#form-code button');
    await page.locator('#screen-setup').waitFor();
    await expect.poll(() => page.textContent('#setup-network'), WITHIN).toContain('Not available: NetworkManager (nmcli) is not installed');
    const form = '#form-setup';
    await page.fill(`${form} [name=password]`, 'short');
    await page.fill(`${form} [name=siteName]`, 'Machine hall');
    // The host's own zone: setup runs `timedatectl set-timezone`, which on a host where it works must change nothing.
    await page.fill(`${form} [name=timeZone]`, Intl.DateTimeFormat().resolvedOptions().timeZone);
    await page.fill(`${form} [name="mqtt.url"]`, 'mqtt://127.0.0.1:1');
    await page.click('#mqtt-test');
    await expect.poll(() => page.textContent('#mqtt-answer'), WITHIN).toContain('ECONNREFUSED');
    await page.fill(`${form} [name="mqtt.url"]`, 'not a url');
    await page.click(`${form} > button`);
    await expect.poll(() => page.textContent('[data-error-for="mqtt.url"]'), WITHIN).toContain('is not a URL');
    await page.fill(`${form} [name="mqtt.url"]`, '');
    await page.click(`${form} > button`);
    await expect.poll(() => page.textContent('#form-setup [data-error-for=password]'), WITHIN).toContain('at least 10 characters');
    await browser.screenshot('2-setup-form');
    await page.fill(`${form} [name=password]`, PASSWORD);
    await page.click(`${form} > button`);
    await page.locator('#screen-home').waitFor();
    await expect.poll(() => page.locator('#devices tr[data-device]').count(), WITHIN).toBeGreaterThan(10);
    await expect.poll(() => page.locator('#devices td.values').first().textContent(), WITHIN).toMatch(/\d/);
    await browser.screenshot('3-devices');
  });

  it('logs out, refuses a wrong password with a message, logs back in', async () => {
    const { page } = browser;
    await page.click('#logout');
    await page.locator('#screen-login').waitFor();
    await page.fill('#form-login [name=password]', 'Wrong-Passw0rd-123');
    await page.click('#form-login button');
    await expect.poll(() => page.textContent('#form-login [data-error-for=password]'), WITHIN).toBe('wrong password');
    await browser.screenshot('4-login');
    await page.fill('#form-login [name=password]', PASSWORD);
    await page.click('#form-login button');
    await page.locator('#screen-home').waitFor();
  });

  it('adds an emulated Modbus meter after a test read and shows its values', async () => {
    const { page } = browser;
    const [host, port] = (extra.endpoints['tcp-energy'] ?? '').replace('tcp://', '').split(':');
    const form = '#form-modbus';
    await page.fill(`${form} [name=name]`, 'Extra feed');
    await page.selectOption(`${form} [name=profile]`, 'sdm630');
    await page.fill(`${form} [name=host]`, host!);
    await page.fill(`${form} [name=port]`, port!);
    await page.fill(`${form} [name=unitId]`, '99');
    await page.click('#modbus-test');
    await expect.poll(() => page.textContent('[data-error-for=unitId]'), WITHIN).toContain('did not answer');
    await page.fill(`${form} [name=unitId]`, '1');
    await page.click('#modbus-test');
    await expect.poll(() => page.textContent('#modbus-answer'), WITHIN).toMatch(/voltage\.l1 \d/);
    await page.click(`${form} > button:not([type])`);
    await expect.poll(() => page.textContent('#modbus-answer'), WITHIN).toContain(`added modbus:tcp/${host}:${port}/1`);
    const row = page.locator(`tr[data-device="modbus:tcp/${host}:${port}/1"]`);
    await expect.poll(() => row.locator('td.values').textContent(), WITHIN).toMatch(/current\.l1 \d/);
    // The table is redrawn on every refresh (every 2 s while Zigbee pairing is open), so no action on the row; the screenshot is full-page.
    await browser.screenshot('5-device-added');
  });

  it('draws a live chart that grows with each tick over SSE', async () => {
    const { page } = browser;
    await page.goto(`${outpost.httpUrl!}/#live`);
    await page.locator('#tab-live').waitFor();
    await expect.poll(() => page.locator('#series option').count(), WITHIN).toBeGreaterThan(0);
    const meter = await page.$$eval('#series option', (os) => os.map((o) => (o as unknown as { value: string }).value).find((v) => v.startsWith('modbus:') && v.endsWith('|power')));
    await page.selectOption('#series', meter!);
    const points = async () => Number((await page.getAttribute('#chart', 'data-points')) ?? 0);
    await expect.poll(points, WITHIN).toBeGreaterThan(1);
    const first = await points();
    await expect.poll(points, WITHIN).toBeGreaterThan(first);
    await expect.poll(() => page.textContent('#live-now'), WITHIN).toMatch(/now -?\d/);
    await browser.screenshot('6-live');
  });

  it('shows an alert when the added meter goes silent, and acknowledges it', async () => {
    const { page } = browser;
    await extra.stop();
    await page.goto(`${outpost.httpUrl!}/#alerts`);
    const alert = page.locator('#alerts tr.bad', { hasText: 'Extra feed' }).first();
    await alert.waitFor({ timeout: 30_000 });
    expect(await alert.textContent()).toContain('offline raised');
    await browser.screenshot('7-alerts');
    await alert.locator('button').click();
    await expect.poll(() => page.locator('#alerts tr.bad', { hasText: 'Extra feed' }).count(), WITHIN).toBe(0);
    await page.goto(`${outpost.httpUrl!}/#system`);
    await expect.poll(() => page.textContent('#system'), WITHIN).toContain('Written to flash');
    await expect.poll(() => page.textContent('#update-state'), WITHIN).toMatch(/running|not available|Updates:/);
    // This box trusts no model key: a package is refused, its reason beside the file, and the model runs on.
    await expect.poll(() => page.textContent('#model-state'), WITHIN).toMatch(/running forecaster-mlp \S+; previous none/);
    await page.setInputFiles('#form-model input[name=package]', { name: 'model.json', mimeType: 'application/octet-stream', buffer: Buffer.from('{}') });
    await page.click('#form-model button');
    await expect.poll(() => page.textContent('#form-model [data-error-for=package]'), WITHIN).toContain('no trusted model key');
    expect(await page.textContent('#model-state')).toMatch(/running forecaster-mlp/);
    await browser.screenshot('8-system');
  });
});
