/**
 * Child process of crash.test.ts: commits ticks as fast as it can and prints `<tick> <seq>` on
 * stdout after each commit returned, until it is killed. Usage: node --import tsx commit-loop.child.ts DB
 */
import { silentLogger } from '../log.js';
import { Store } from './store.js';
import { message, reading, summary, tick } from './testing.js';

const path = process.argv[2];
if (!path) throw new Error('usage: commit-loop.child.ts <database path>');

// Checkpoints every few ticks, so the kill also lands during checkpoints.
const checkpoints = { everyFrames: 20, everyMs: 50, truncateEveryMs: 500 };
const store = new Store({ path, log: silentLogger(), checkpoints });
await store.start();

let n = 0;
const loop = (): void => {
  n += 1;
  const readings = Array.from({ length: 20 }, (_, i) => reading(`modbus:tcp/h:502/${i}`, 'power', n));
  const summaries = [summary('modbus:tcp/h:502/0', 'power', n)];
  const outbox = [message('t', `tick ${n}`)];
  const { seqs } = store.commitTick(tick({ readings, summaries, drops: { nan: 1 }, outbox }));
  if (n % 50 === 0) store.ackOutbox(Array.from({ length: 25 }, (_, i) => n - 49 + i));
  // Writes to a pipe are synchronous on Linux: once this returns, the parent can read the line.
  process.stdout.write(`${n} ${seqs[0]}\n`);
  setImmediate(loop);
};
loop();
