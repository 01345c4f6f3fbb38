import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../durable-fs.js';
import type { Logger } from '../log.js';
import type { OutboxDraft, TickCommit } from '../store/store.js';
import { topicSegment } from '../uplink/summary-message.js';
import { installedRoot } from './release-slots.js';
import { uploadDir } from './update-agent.js';
import { readState, type UpdateRecord } from './update-state.js';

export interface UpdateOutcomesDeps {
  nodeId: string;
  dataDir: string;
  /** Where outcome messages wait for the uplink: the store's outbox, so a broker outage loses none. */
  store: { commitTick(tick: TickCommit): { seqs: number[] } };
  uplink: { notify(): void };
  log: Logger;
  /** The release root; by default the one this code runs from, none in a development checkout (nothing to report). */
  root?: string;
  pollMs?: number;
}

/** The JSON message an update outcome becomes on `outpost/<node>/update`. */
export interface UpdateOutcomeMessage extends UpdateRecord {
  seq: number;
  node: string;
}

const POLL_MS = 2000;

/** `outpost/<nodeId>/update`: one QoS 1 message per update that committed, was refused or rolled back. */
export function updateTopic(nodeId: string): string {
  return `outpost/${topicSegment(nodeId)}/update`;
}

/**
 * Puts every finished update of the agent's history into the outbox, once. The agent runs outside this
 * process (as root, across restarts of it), so the history in the release root is the hand-over; which
 * records were queued is kept in the data dir by their key (time and version, not a clock comparison:
 * a box without a real-time clock can boot in the past). A crash between queueing and saving the keys
 * sends a record twice; receivers dedupe on `at` + `version`.
 */
export class UpdateOutcomes {
  private timer: NodeJS.Timeout | undefined;
  private readonly root: string | undefined;

  constructor(private readonly deps: UpdateOutcomesDeps) {
    this.root = deps.root ?? installedRoot(import.meta.url);
  }

  async start(): Promise<void> {
    if (this.timer || !this.root) return;
    this.report();
    // A refusal happens without a restart of this process, so the history is polled, not only read at start.
    this.timer = setInterval(() => this.report(), this.deps.pollMs ?? POLL_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private report(): void {
    const { nodeId, store, uplink, log } = this.deps;
    try {
      const history = readState(this.root ?? '').history;
      const queued = new Set(this.readQueued());
      const fresh = history.filter((r) => !queued.has(recordKey(r))).reverse();
      if (fresh.length === 0) return;
      const outbox: OutboxDraft[] = fresh.map((record) => ({
        topic: updateTopic(nodeId),
        qos: 1,
        build: (seq) => JSON.stringify({ seq, node: nodeId, ...record } satisfies UpdateOutcomeMessage),
      }));
      store.commitTick({ readings: [], summaries: [], alerts: [], drops: {}, devices: [], outbox });
      mkdirSync(uploadDir(this.deps.dataDir), { recursive: true });
      writeFileAtomic(this.queuedPath(), `${JSON.stringify(history.map(recordKey))}\n`);
      uplink.notify();
      log.info({ outcomes: fresh.map((r) => `${r.version} ${r.outcome}`) }, 'update outcomes queued for the uplink');
    } catch (error) {
      // A full disk or a half-written state file: the next poll tries again, nothing is marked as sent.
      log.warn({ err: error }, 'update outcomes not queued yet');
    }
  }

  private queuedPath(): string {
    return join(uploadDir(this.deps.dataDir), 'outcomes-queued.json');
  }

  private readQueued(): string[] {
    try {
      return JSON.parse(readFileSync(this.queuedPath(), 'utf8')) as string[];
    } catch {
      return [];
    }
  }
}

function recordKey(record: UpdateRecord): string {
  return `${record.at} ${record.version}`;
}
