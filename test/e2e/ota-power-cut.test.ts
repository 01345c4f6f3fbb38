import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FORWARD_STEPS, type UpdateStep } from '../../appliance/ota/update-state.js';
import { TestBox } from '../support/ota-box.js';

/**
 * Each lane's cases wait for the ones before them on the same box: a lane can take several minutes on a
 * shared 2-core machine under load.
 */
const SLOW = 300_000;

/**
 * Two boxes, each taking every other step in turn: a case mostly waits for processes to start, so the
 * two lanes overlap and the file takes about half as long as one box going through all the steps.
 */
class Lane {
  box!: TestBox;
  private queue: Promise<unknown> = Promise.resolve();
  readonly steps: UpdateStep[] = [];

  /** Runs case `index` after every case queued before it on this lane, updating from the version the one before committed. */
  run(index: number, body: (box: TestBox, from: string, to: string) => Promise<void>): Promise<void> {
    const next = this.queue.then(() => body(this.box, `1.${index}.0`, `1.${index + 1}.0`));
    this.queue = next.catch(() => {});
    return next;
  }
}
const lanes = [new Lane(), new Lane()];
beforeAll(async () => {
  // Detection off: loading the model at every start is CPU both lanes would fight over, and the detector's
  // part of the health gate is tested in ota-report.test.ts.
  const config = { detect: { enabled: false } };
  await Promise.all(lanes.map(async (lane) => (lane.box = await TestBox.start({ version: '1.0.0', maxAttempts: 3, config }))));
}, SLOW);
afterAll(async () => {
  await Promise.all(lanes.map((lane) => lane.box?.close()));
});

/**
 * Power cut at each step: the agent is killed with SIGKILL right after it wrote the state naming the
 * step and before the step ran (the worst moment: the state promises work not done), and the app is
 * killed too, so it comes back through the guard as after a reboot. `outpost update resume`, as the
 * boot unit runs it, must then reach a working version. Each box goes through its cases in turn, each
 * updating from the version the previous one committed.
 */
describe.concurrent('update survives a power cut at every step', () => {
  FORWARD_STEPS.forEach((step, i) => {
    const lane = lanes[i % 2] as Lane;
    const index = lane.steps.push(step) - 1;
    it(`killed at ${step}, the next start resumes and commits the new version (box ${(i % 2) + 1}, update ${index + 1})`, async () => {
      await lane.run(index, async (box, from, to) => {
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
      });
    }, SLOW);
  });

  const rollbackLane = lanes[FORWARD_STEPS.length % 2] as Lane;
  const rollbackIndex = rollbackLane.steps.push('rollback') - 1;
  it('killed while rolling back, the next start finishes the rollback to the old version', async () => {
    await rollbackLane.run(rollbackIndex, async (box, from) => {
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
    });
  }, SLOW);
});
