import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../appliance/config/load.js';
import { silentLogger } from '../../appliance/log.js';
import { Appliance } from '../../appliance/main.js';
import type { RunningScenario } from '../../drivers/sim/start-emulators.js';
import { until } from '../support/until.js';

/**
 * `outpost run --scenario factory` in-process: the rule shipped with the scenario switches the cold store's
 * door-alarm relay (GPIO 22) while its door contact (GPIO 17) stands open, through the appliance's own
 * tick loop, rule engine and command router.
 */
const DOOR = 17;
const RELAY = 22;
const dataDir = mkdtempSync(join(tmpdir(), 'outpost-scenario-rule-'));
let appliance: Appliance;
let world: RunningScenario;

beforeAll(async () => {
  const config = parseConfig(
    { dataDir, http: { port: 0 }, scenario: 'factory', pipeline: { tickMs: 50, windowSeconds: 1 }, detect: { enabled: false } },
    'test',
  );
  appliance = new Appliance({ config, log: silentLogger(), version: 'test' });
  await appliance.start();
  world = appliance.scenario!;
  // The test moves the door itself: the world's own door timers would race it.
  world.gpio.stop();
}, 30_000);

afterAll(async () => {
  await appliance.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the factory scenario ships a rule that drives its relay', () => {
  it('switches the relay on when the cold store door opens and off when it closes, bounces and all', async () => {
    const { chip } = world.gpio;
    chip.drive(DOOR, 0);
    await until('the door reported closed and the relay at its safe state', () => chip.level(RELAY) === 0 && chip.isExported(DOOR));

    for (const level of [1, 0, 1, 0, 1] as const) chip.drive(DOOR, level); // a reed contact bouncing as the door opens
    await until('the relay switched on', () => chip.level(RELAY) === 1);

    for (const level of [0, 1, 0] as const) chip.drive(DOOR, level);
    await until('the relay switched off', () => chip.level(RELAY) === 0);
  });
});
