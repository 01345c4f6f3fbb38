#!/usr/bin/env node
/**
 * The update guard: runs before every start of the service (systemd `ExecStartPre=+`), from the last
 * committed release, with nothing but Node's standard library, so a new release that cannot even load
 * its dependencies still gets rolled back. While an update is on trial it counts starts; once the new
 * version has started more than `--max-attempts` times without the agent committing it, it points
 * `current` back at the old release and leaves the state at `rollback` for the agent to finish
 * (restore the database, record why). It never fails the start: a broken guard must not brick the box.
 */
import { parseArgs } from 'node:util';
import { ReleaseSlots } from './release-slots.js';
import { readState, writeState, type UpdateInProgress } from './update-state.js';

/** Steps after which `current` may already point at the release on trial. */
const ON_TRIAL: ReadonlySet<string> = new Set(['switch', 'restart', 'health']);

export type GuardAction = 'none' | 'counted' | 'rolled-back';

export function guardStart(root: string, maxAttempts: number): { action: GuardAction; update?: UpdateInProgress } {
  const slots = new ReleaseSlots(root);
  const state = readState(root);
  const update = state.update;
  if (!update || slots.current() !== update.toSlot) return { action: 'none' };
  if (update.step === 'rollback') {
    slots.point('current', update.fromSlot);
    return { action: 'rolled-back', update };
  }
  if (!ON_TRIAL.has(update.step)) return { action: 'none' };
  const attempts = update.attempts + 1;
  if (attempts <= maxAttempts) {
    const counted = { ...update, attempts };
    writeState(root, { ...state, update: counted });
    return { action: 'counted', update: counted };
  }
  const reason = `${update.version ?? 'the new version'} started ${update.attempts} times without reporting healthy`;
  // State first: if power fails before the link moves, the next start sees `rollback` and moves it.
  const rolling: UpdateInProgress = { ...update, attempts, step: 'rollback', reason };
  writeState(root, { ...state, update: rolling });
  slots.point('current', update.fromSlot);
  return { action: 'rolled-back', update: rolling };
}

function log(level: 'info' | 'error', msg: string, detail: Record<string, unknown> = {}): void {
  process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), service: 'ota-guard', msg, ...detail })}\n`);
}

function main(): void {
  const { values } = parseArgs({ options: { root: { type: 'string', default: '/opt/outpost' }, 'max-attempts': { type: 'string', default: '3' } } });
  try {
    const { action, update } = guardStart(values.root, Number(values['max-attempts']));
    if (action === 'counted') log('info', 'release on trial starting', { version: update?.version, attempt: update?.attempts });
    if (action === 'rolled-back') log('error', 'rolled back to the committed release', { version: update?.version, reason: update?.reason });
  } catch (error) {
    log('error', 'guard failed; starting whatever current points at', { err: String(error) });
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, '/'))) main();
