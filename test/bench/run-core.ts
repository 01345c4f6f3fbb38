/**
 * Runs the core benchmarks one after the other, each in its own process so neither inherits the
 * other's heap or JIT state: `npm run bench` (which builds dist/ first, for the footprint benchmark).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = ['ingest.ts', 'footprint.ts'];

let failed = 0;
for (const name of BENCHMARKS) {
  const script = fileURLToPath(new URL(name, import.meta.url));
  process.stdout.write(`\n=== ${name}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', script, ...process.argv.slice(2)], { stdio: 'inherit' });
  if (result.status !== 0) failed += 1;
}
process.exit(failed === 0 ? 0 : 1);
