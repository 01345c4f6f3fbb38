import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../durable-fs.js';
import type { Slot } from './release-slots.js';

/**
 * The steps in order. The state names the step about to run and is written before it runs, so after
 * a power cut the agent re-runs that step; every step is idempotent for that reason.
 */
export const FORWARD_STEPS = ['verify', 'unpack', 'backup', 'switch', 'restart', 'health', 'commit'] as const;
export type UpdateStep = (typeof FORWARD_STEPS)[number] | 'rollback';

export interface UpdateRecord {
  version: string;
  from: string;
  outcome: 'committed' | 'rolled-back' | 'refused';
  reason?: string;
  code?: string;
  at: string;
  durationMs: number;
  /** Milliseconds spent in each step that ran, in order (a step re-run after a power cut counts from its first start). */
  timings?: Partial<Record<UpdateStep, number>>;
}

export interface UpdateInProgress {
  step: UpdateStep;
  bundle: string;
  /** Known once the bundle verified. */
  version?: string;
  fromVersion: string;
  fromSlot: Slot;
  toSlot: Slot;
  /** Starts of the new version since the switch, counted by the guard. */
  attempts: number;
  startedAt: number;
  reason?: string;
  progress?: { bytes: number; total: number };
  /** When each step first started (ms epoch), for the record's timings. */
  marks?: Partial<Record<UpdateStep, number>>;
}

export interface UpdateState {
  update?: UpdateInProgress;
  /** Versions that failed on this box; refused until an operator clears them. */
  refused: string[];
  /** Newest first, bounded. */
  history: UpdateRecord[];
}

const HISTORY = 20;

export function statePath(root: string): string {
  return join(root, 'update-state.json');
}

/** Standard library only: the guard reads and writes this file before the app starts. */
export function readState(root: string): UpdateState {
  let text: string;
  try {
    text = readFileSync(statePath(root), 'utf8');
  } catch {
    return { refused: [], history: [] };
  }
  return JSON.parse(text) as UpdateState;
}

export function writeState(root: string, state: UpdateState): void {
  writeFileAtomic(statePath(root), `${JSON.stringify(state, null, 1)}\n`);
}

/** Ends the update in progress with a record of how it went. */
export function finish(state: UpdateState, record: UpdateRecord): UpdateState {
  const refused = record.outcome === 'rolled-back' && !state.refused.includes(record.version) ? [...state.refused, record.version] : state.refused;
  return { refused, history: [record, ...state.history].slice(0, HISTORY) };
}

/** Time spent per step: from each step's first start to the next one's, the last one until `end`. */
export function stepTimings(marks: Partial<Record<UpdateStep, number>> = {}, end: number): Partial<Record<UpdateStep, number>> {
  const started = (Object.entries(marks) as [UpdateStep, number][]).sort((x, y) => x[1] - y[1]);
  return Object.fromEntries(started.map(([step, at], i) => [step, (started[i + 1]?.[1] ?? end) - at]));
}
