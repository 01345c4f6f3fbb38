import { afterEach, describe, expect, it } from 'vitest';
import { FORWARD_STEPS } from '../../appliance/ota/update-state.js';
import { TestBox } from '../support/ota-box.js';

const boxes: TestBox[] = [];
afterEach(async () => {
  for (const box of boxes.splice(0)) await box.close();
});

/**
 * Power cut at each step: the agent is killed with SIGKILL right after it wrote the state naming the
 * step and before the step ran (the worst moment: the state promises work not done), and the app is
 * killed too, so it comes back through the guard as after a reboot. `outpost update resume`, as the
 * boot unit runs it, must then reach a working version.
 */
describe('update survives a power cut at every step', () => {
  it.each(FORWARD_STEPS)('killed at %s, the next start resumes and commits the new version', async (step) => {
    const box = await TestBox.start({ version: '1.0.0', maxAttempts: 3 });
    boxes.push(box);
    const { path } = box.bundle('good', { version: '1.1.0' });
    const cut = await box.agent('apply', { bundle: path, killAt: step });
    expect(cut.signal, cut.stderr).toBe('SIGKILL');
    expect(box.state().update?.step).toBe(step);
    await box.systemd.kill9App();

    const resumed = await box.agent('resume');
    expect(resumed.record, resumed.stderr).toMatchObject({ version: '1.1.0', outcome: 'committed' });
    await box.serving('1.1.0');
    expect([box.slots.current(), box.slots.committed()]).toEqual(['b', 'b']);
    expect(box.state().update).toBeUndefined();
  });

  it('killed while rolling back, the next start finishes the rollback to the old version', async () => {
    const box = await TestBox.start({ version: '1.0.0', maxAttempts: 3 });
    boxes.push(box);
    const { path } = box.bundle('hangs', { version: '1.1.0', variant: { hangs: true } });
    const cut = await box.agent('apply', { bundle: path, killAt: 'rollback', deadlineSeconds: 2 });
    expect(cut.signal, cut.stderr).toBe('SIGKILL');
    await box.systemd.kill9App();

    const resumed = await box.agent('resume', { deadlineSeconds: 10 });
    expect(resumed.record).toMatchObject({ version: '1.1.0', outcome: 'rolled-back', reason: expect.stringMatching(/not healthy within 2 s/) });
    await box.serving('1.0.0');
    expect([box.slots.current(), box.slots.committed()]).toEqual(['a', 'a']);
    expect(box.state().refused).toEqual(['1.1.0']);
  });
});
