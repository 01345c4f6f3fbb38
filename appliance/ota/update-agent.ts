import type { KeyObject } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OutpostError } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import { readBundle, type BundleExpectations } from './bundle-read.js';
import { DatabaseRollback } from './database-rollback.js';
import { checkFreeSpace, isNoSpace, type StatFs } from './free-space.js';
import { probeHealth } from './health-probe.js';
import { ReleaseSlots } from './release-slots.js';
import type { ServiceControl } from './service-control.js';
import { unpackBundle } from './unpack.js';
import { finish, readState, stepTimings, writeState, type UpdateInProgress, type UpdateRecord, type UpdateStep } from './update-state.js';

export interface UpdateAgentDeps {
  root: string;
  dataDir: string;
  publicKey: KeyObject;
  target: string;
  service: ServiceControl;
  healthUrl: string;
  /** How long a new (or restored) version has to report healthy. */
  deadlineMs: number;
  log: Logger;
  pollMs?: number;
  /** How free space is read; the real `statfs` unless a test must get past the check. */
  statfs?: StatFs;
}

/** The old release is known to work: give it at least this long to come back, whatever the trial deadline. */
const RESTORED_DEADLINE_MS = 120_000;

/** A step's outcome: the changes to persist before the next step runs, or a record that ends the update. */
type Outcome = { next: Partial<UpdateInProgress> & { step: UpdateStep } } | { done: Omit<UpdateRecord, 'at' | 'durationMs' | 'from' | 'version'> & { version?: string } } | 'reread';

/**
 * The update state machine. The state file names the step about to run and is written (temp, fsync,
 * rename) before that step starts; each step is idempotent, so `resume()` after a power cut re-runs
 * the interrupted step and carries on. Nothing the running box uses changes before `switch`; from
 * `switch` on, failure means `rollback`, which is itself resumable.
 */
export class UpdateAgent {
  private readonly slots: ReleaseSlots;

  constructor(private readonly deps: UpdateAgentDeps) {
    this.slots = new ReleaseSlots(deps.root);
  }

  /** Starts an update from a bundle file and runs it to commit, rollback or refusal. */
  async apply(bundle: string): Promise<UpdateRecord> {
    const state = readState(this.deps.root);
    // The path unit starts the agent again on the same upload after a power cut: carry on with it.
    if (state.update?.bundle === resolve(bundle)) return this.drive();
    if (state.update) throw new OutpostError('OTA_BUSY', `an update to ${state.update.version ?? state.update.bundle} is in progress (step ${state.update.step})`);
    const fromSlot = this.slots.current();
    const fromVersion = fromSlot && this.slots.version(fromSlot);
    if (!fromSlot || !fromVersion) throw new OutpostError('OTA_STATE', `${this.deps.root}/current does not point at a release`);
    const update: UpdateInProgress = { step: 'verify', bundle: resolve(bundle), fromSlot, fromVersion, toSlot: fromSlot === 'a' ? 'b' : 'a', attempts: 0, startedAt: Date.now() };
    this.persist(update);
    return this.drive();
  }

  /** Finishes whatever update a power cut or a crash interrupted; undefined when none was in progress. */
  async resume(): Promise<UpdateRecord | undefined> {
    return readState(this.deps.root).update ? this.drive() : undefined;
  }

  private async drive(): Promise<UpdateRecord> {
    for (;;) {
      const state = readState(this.deps.root);
      const update = state.update;
      if (!update) throw new OutpostError('OTA_STATE', 'the update state was cleared while the agent ran');
      const outcome = await this.step(update);
      if (outcome === 'reread') continue;
      const latest = readState(this.deps.root);
      if ('next' in outcome) {
        this.persist({ ...(latest.update ?? update), ...outcome.next });
        continue;
      }
      const end = Date.now();
      const timings = stepTimings(latest.update?.marks ?? update.marks, end);
      const record: UpdateRecord = { version: update.version ?? 'unknown', from: update.fromVersion, ...outcome.done, at: new Date(end).toISOString(), durationMs: end - update.startedAt, timings };
      writeState(this.deps.root, finish(latest, record));
      // Uploads are ours to clean up, whatever the outcome; a file an operator passed on the command line is not.
      if (resolve(update.bundle).startsWith(`${uploadDir(this.deps.dataDir)}/`)) rmSync(update.bundle, { force: true });
      this.deps.log[record.outcome === 'committed' ? 'info' : 'error']({ update: record }, `update ${record.outcome}`);
      return record;
    }
  }

  private async step(u: UpdateInProgress): Promise<Outcome> {
    const { deps, slots } = this;
    switch (u.step) {
      case 'verify': {
        let version: string | undefined;
        try {
          const manifest = await readBundle(u.bundle, this.expectations(u));
          version = manifest.version;
          // Also what a power cut between finishing and deleting the upload would lead to: nothing to do.
          if (manifest.version === u.fromVersion) throw new OutpostError('OTA_ALREADY_RUNNING', `${manifest.version} is the version running now`);
          if (readState(deps.root).refused.includes(manifest.version)) {
            throw new OutpostError('OTA_REFUSED_VERSION', `${manifest.version} failed on this box before and is refused until cleared`);
          }
          const sizes = manifest.files.map((f) => f.size);
          checkFreeSpace(
            [
              { path: deps.root, files: sizes, what: `the ${manifest.files.length} files of ${manifest.version}` },
              { path: deps.dataDir, files: new DatabaseRollback(deps.dataDir).backupBytes(), what: 'the database backup' },
            ],
            deps.statfs,
          );
          const total = sizes.reduce((n, size) => n + size, 0);
          return { next: { step: 'unpack', version: manifest.version, progress: { bytes: 0, total } } };
        } catch (error) {
          if (!(error instanceof OutpostError)) throw error;
          // Known once the signature held (the reader names it); the record says 'unknown' otherwise.
          version ??= typeof error.context.version === 'string' ? error.context.version : undefined;
          return { done: { outcome: 'refused', code: error.code, reason: error.message, ...(version ? { version } : {}) } };
        }
      }
      case 'unpack': {
        if (slots.current() === u.toSlot || slots.committed() === u.toSlot) {
          throw new OutpostError('OTA_STATE', `slot ${u.toSlot} is in use; refusing to overwrite it`);
        }
        const total = u.progress?.total ?? 0;
        try {
          await unpackBundle(u.bundle, this.expectations(u), slots.dir(u.toSlot), (bytes) => this.save({ ...u, progress: { bytes, total } }));
        } catch (error) {
          if (!isNoSpace(error)) throw error;
          return this.outOfSpace(u, `unpacking into slot ${u.toSlot}`, error);
        }
        return { next: { step: 'backup', progress: { bytes: total, total } } };
      }
      case 'backup':
        try {
          deps.log.info({ database: new DatabaseRollback(deps.dataDir).backUp() }, 'database backed up before the switch');
        } catch (error) {
          if (!isNoSpace(error)) throw error;
          return this.outOfSpace(u, 'backing up the database', error);
        }
        return { next: { step: 'switch', attempts: 0 } };
      case 'switch':
        slots.point('current', u.toSlot);
        return { next: { step: 'restart' } };
      case 'restart':
        await this.service('restart');
        return { next: { step: 'health' } };
      case 'health':
        return this.trial(u);
      case 'commit':
        slots.point('committed', u.toSlot);
        return { done: { outcome: 'committed' } };
      case 'rollback':
        return { done: { outcome: 'rolled-back', reason: await this.rollBack(u) } };
    }
  }

  /** Waits for the new version to report healthy; a guard rollback (state changed under us) ends the wait. */
  private async trial(u: UpdateInProgress): Promise<Outcome> {
    const deadline = Date.now() + this.deps.deadlineMs;
    let problem = 'no probe ran';
    while (Date.now() < deadline) {
      if (readState(this.deps.root).update?.step !== 'health') return 'reread';
      const result = await probeHealth(this.deps.healthUrl, u.version ?? '');
      if (result.healthy) return { next: { step: 'commit' } };
      problem = result.problem ?? problem;
      if (result.final) return { next: { step: 'rollback', reason: `${u.version ?? 'new version'} not healthy: ${problem}` } };
      await sleep(this.deps.pollMs ?? 200);
    }
    return { next: { step: 'rollback', reason: `${u.version ?? 'new version'} not healthy within ${this.deps.deadlineMs / 1000} s: ${problem}` } };
  }

  /** Stop, restore the database if the new schema would lock the old release out, switch back, start. */
  private async rollBack(u: UpdateInProgress): Promise<string> {
    const reason = u.reason ?? 'rolled back';
    await this.service('stop');
    const database = new DatabaseRollback(this.deps.dataDir).restore();
    this.deps.log.info({ database }, 'database ready for the old release');
    this.slots.point('current', u.fromSlot);
    await this.service('start');
    const deadline = Date.now() + Math.max(this.deps.deadlineMs, RESTORED_DEADLINE_MS);
    for (;;) {
      const result = await probeHealth(this.deps.healthUrl, u.fromVersion);
      if (result.healthy) return reason;
      if (Date.now() > deadline) return `${reason}; and ${u.fromVersion} did not report healthy after the rollback: ${result.problem ?? ''}`;
      await sleep(this.deps.pollMs ?? 200);
    }
  }

  /**
   * The disk filled up after the check (something else wrote, or the estimate was short). Before the
   * switch nothing the box runs has changed: clear the half-written slot and refuse, rather than leave
   * a state that fails the same way at every resume.
   */
  private outOfSpace(u: UpdateInProgress, doing: string, error: unknown): Outcome {
    rmSync(this.slots.dir(u.toSlot), { recursive: true, force: true });
    return { done: { outcome: 'refused', code: 'OTA_NO_SPACE', reason: `${doing} ran out of space (${(error as Error).message}); slot ${u.toSlot} was cleared` } };
  }

  /** A failing service command is logged, not fatal: the health check and the guard decide what happens. */
  private async service(action: 'start' | 'stop' | 'restart'): Promise<void> {
    try {
      await this.deps.service.run(action);
    } catch (error) {
      this.deps.log.warn({ err: error, action }, 'service command failed');
    }
  }

  private expectations(u: UpdateInProgress): BundleExpectations {
    return { publicKey: this.deps.publicKey, target: this.deps.target, runningVersion: u.fromVersion };
  }

  /** Written before the step it names runs. `OUTPOST_OTA_KILL_AT=<step>` cuts power right there, for tests. */
  private persist(update: UpdateInProgress): void {
    const marks = update.marks?.[update.step] === undefined ? { ...update.marks, [update.step]: Date.now() } : update.marks;
    this.save({ ...update, marks });
    if (process.env.OUTPOST_OTA_KILL_AT === update.step) process.kill(process.pid, 'SIGKILL');
  }

  private save(update: UpdateInProgress): void {
    writeState(this.deps.root, { ...readState(this.deps.root), update });
  }
}

/** Where uploads wait for the agent, on the data partition. */
export function uploadDir(dataDir: string): string {
  return join(resolve(dataDir), 'updates');
}
