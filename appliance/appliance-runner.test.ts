import { describe, expect, it } from 'vitest';
import { ApplianceRunner } from './appliance-runner.js';
import { parseConfig } from './config/load.js';
import type { Config } from './config/schema.js';
import { silentLogger } from './log.js';
import { until } from '../test/support/until.js';

const config = (nodeId: string): Config => parseConfig({ nodeId }, 'test');

/** Records what each appliance the runner makes goes through; `failStart` names node ids that refuse to start. */
function harness(saved: () => Config, failStart: string[] = []) {
  const events: string[] = [];
  const exits: number[] = [];
  let restart: (reason: string) => void = () => undefined;
  const runner = new ApplianceRunner({
    load: saved,
    create: (current, requestRestart) => {
      restart = requestRestart;
      return {
        start: async () => {
          events.push(`start ${current.nodeId}`);
          if (failStart.includes(current.nodeId ?? '')) throw new Error('port in use');
        },
        stop: async () => void events.push(`stop ${current.nodeId}`),
      };
    },
    exit: (code) => void exits.push(code),
    log: silentLogger(),
  });
  return { runner, events, exits, restart: (reason: string) => restart(reason) };
}

describe('ApplianceRunner', () => {
  it('restarts with the saved config, folding requests made during a restart into it', async () => {
    let saved = config('a');
    const h = harness(() => saved);
    await h.runner.start(config('a'));
    saved = config('b');
    h.restart('change 1');
    h.restart('change 2');
    await until('b started', () => h.events.includes('start b'));
    await h.runner.stop();
    expect(h.events).toEqual(['start a', 'stop a', 'start b', 'stop b']);
  });

  it('keeps the running config when the saved file has become unreadable', async () => {
    const h = harness(() => {
      throw new Error('CONFIG_INVALID');
    });
    await h.runner.start(config('a'));
    h.restart('change');
    await until('a started again', () => h.events.filter((e) => e === 'start a').length === 2);
    expect(h.exits).toEqual([]);
  });

  it('exits for the service manager when the appliance does not come back', async () => {
    const h = harness(() => config('broken'), ['broken']);
    await h.runner.start(config('a'));
    h.restart('change');
    await until('exit asked', () => h.exits.length > 0);
    expect(h.exits).toEqual([1]);
  });

  it('a stop during a restart waits for it and leaves nothing running', async () => {
    const h = harness(() => config('b'));
    await h.runner.start(config('a'));
    h.restart('change');
    await h.runner.stop();
    expect(h.events.at(-1)).toMatch(/^stop /);
    expect(h.events.filter((e) => e.startsWith('start')).length).toBe(h.events.filter((e) => e.startsWith('stop')).length);
  });
});
