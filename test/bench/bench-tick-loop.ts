import { Intake } from '../../appliance/ingest/intake.js';
import { TickLoop, type TickLoopDeps } from '../../appliance/ingest/tick-loop.js';
import { silentLogger } from '../../appliance/log.js';
import { Pipeline } from '../../appliance/pipeline/pipeline.js';
import { outboxDrafts } from '../../appliance/uplink/outbox-drafts.js';

/** Readings a benchmark may queue in one tick: more than any bench sends, so nothing overflows. */
const CAPACITY = 200_000;

/**
 * The appliance's tick loop as the benchmarks drive it: 60 s windows with 2 s grace, the appliance's own
 * outbox rows, no broker to notify. A bench passes the store and whatever it measures (detection, rules, clock).
 */
export function benchTickLoop(deps: Pick<TickLoopDeps, 'store' | 'tickMs'> & Partial<TickLoopDeps>): { loop: TickLoop; intake: Intake } {
  const intake = deps.intake ?? new Intake(CAPACITY);
  const loop = new TickLoop({
    pipeline: new Pipeline({ windowMs: 60_000, graceMs: 2_000 }),
    outbox: (summaries, alerts) => outboxDrafts('bench', summaries, alerts),
    uplink: { notify: () => undefined },
    log: silentLogger(),
    retryCapacity: CAPACITY,
    ...deps,
    intake,
  });
  return { loop, intake };
}
