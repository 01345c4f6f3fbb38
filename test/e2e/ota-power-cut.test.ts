import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARD_STEPS } from '../../appliance/ota/update-state.js';
import { TestBox } from '../support/ota-box.js';

/** Process starts dominate; on a shared 2-core machine under load one case can take tens of seconds. */
const SLOW = 120_000;

let box: TestBox;
beforeAll(async () => {
  box = await TestBox.start({ version: '1.0.0', maxAttempts: 3 });
}, SLOW);
afterAll(() => box?.close());

/**
 * Power cut at each step: the agent is killed with SIGKILL right after it wrote the state naming the
 * step and before the step ran (the worst moment: the state promises work not done), and the app is
 * killed too, so it comes back through the guard as after a reboot. `outpost update resume`, as the
 * boot unit runs it, must then reach a working version. One box goes through the cases in turn, each
 * updating from the version the previous one committed.
 */
describe('update survives a power cut at every step', () => {
  it.each(FORWARD_STEPS.map((step, i) => [step, `1.${i}.0`, `1.${i + 1}.0`] as const))(
    'killed at %s, the next start resumes and commits the new version (%s to %s)',
    async (step, from, to) => {
      await box.serving(from);
      const { path } = box.bundle(`to-${to}`, { version: to });
      const target = box.slots.inactive();
      const cut = await box.agent('apply', { bundle: path, killAt: step });
      expect(cut.signal, cut.stderr).toBe('SIGKILL');
      expect(box.state().update?.step).toBe(step);
      await box.systemd.kill9App();

      const resumed = await box.agent('resume');
      expect(resumed.record, resumed.stderr).toMatchObject({ version: to, from, outcome: 'committed' });
      await box.serving(to);
      expect([box.slots.current(), box.slots.committed()]).toEqual([target, target]);
      expect(box.state().update).toBeUndefined();
    },
    SLOW,
  );

  it('killed while rolling back, the next start finishes the rollback to the old version', async () => {
    const from = `1.${FORWARD_STEPS.length}.0`;
    await box.serving(from);
    const committed = box.slots.current();
    const { path } = box.bundle('hangs', { version: '2.0.0', variant: { hangs: true } });
    const cut = await box.agent('apply', { bundle: path, killAt: 'rollback', deadlineSeconds: 2 });
    expect(cut.signal, cut.stderr).toBe('SIGKILL');
    await box.systemd.kill9App();

    const resumed = await box.agent('resume', { deadlineSeconds: 30 });
    expect(resumed.record).toMatchObject({ version: '2.0.0', outcome: 'rolled-back', reason: expect.stringMatching(/not healthy within 2 s/) });
    await box.serving(from);
    expect([box.slots.current(), box.slots.committed()]).toEqual([committed, committed]);
    expect(box.state().refused).toEqual(['2.0.0']);
  }, SLOW);
});
