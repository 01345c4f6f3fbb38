/**
 * Does tuning the detector's scoring parameters on NAB generalise, or does it fit these files? Splits the
 * NAB groups into two halves, tunes on one half by coordinate search over a small grid, and scores the
 * tuned parameters on the other half, both ways round; then prints how the shipped parameters
 * (`DEFAULT_PARAMS`) and their neighbours score on each half. Baseline in the same run: the parameters
 * the search starts from. Usage: `npx tsx test/bench/nab-holdout.ts [--passes 2]` (minutes).
 */
import { DEFAULT_PARAMS } from '../../appliance/detect/detector.js';
import { fmt, note, numberFlag, printTable } from './bench-kit.js';
import { loadNab } from './nab-data.js';
import { profileResults, recordForecasts, replayScores, type ScoringParams } from './nab-replay.js';

/** Two halves of NAB's groups with about as many windows each (33 and 40 of the 73 here). */
const HALVES: Record<string, readonly string[]> = {
  A: ['realTweets', 'realTraffic', 'artificialNoAnomaly'],
  B: ['realAWSCloudwatch', 'realAdExchange', 'realKnownCause', 'artificialWithAnomaly'],
};

/** Where the search starts: the parameters before this tuning (NAB standard 61.8 on all 38 files). */
const START: ScoringParams = { averageRows: 10, learningRows: 300, decay: 1 / 2000, errorScale: 8, rangeTolerance: 0.05, fireLevel: 0.5, cooldownRows: 200 };

const GRID: Record<string, readonly number[]> = {
  decay: [1 / 10_000, 1 / 5000, 1 / 2000],
  averageRows: [7, 10, 14, 20],
  errorScale: [5, 8, 12],
  cooldownRows: [120, 150, 200, 250],
  fireLevel: [0.3, 0.4, 0.5, 0.6],
  rangeTolerance: [0.02, 0.05, 0.1],
};

const files = loadNab();
const recorded = await recordForecasts(files);
const half = (groups: readonly string[]) => new Set(files.filter((f) => groups.some((g) => f.name.startsWith(`${g}/`))).map((f) => f.name));
const sets = { A: half(HALVES['A'] ?? []), B: half(HALVES['B'] ?? []) };

async function standard(params: ScoringParams, only: ReadonlySet<string>): Promise<number> {
  const [std] = profileResults(await replayScores(recorded, params, only));
  return std?.normalised ?? Number.NaN;
}

/** Coordinate search: one parameter at a time, keep a change only if it gains 0.05 points or more. */
async function tune(only: ReadonlySet<string>, passes: number): Promise<ScoringParams> {
  let best = { ...START };
  let bestScore = await standard(best, only);
  for (let pass = 0; pass < passes; pass++) {
    let improved = false;
    for (const [key, values] of Object.entries(GRID)) {
      for (const value of values) {
        const trial = { ...best, [key]: value };
        const score = await standard(trial, only);
        if (score > bestScore + 0.05) [best, bestScore, improved] = [trial, score, true];
      }
    }
    if (!improved) break;
  }
  return best;
}

/** The parameters that differ from `base`, e.g. `averageRows=14 decay=1/5,000`. */
function describe(params: ScoringParams, base = START): string {
  return Object.entries(params)
    .filter(([k, v]) => base[k as keyof ScoringParams] !== v)
    .map(([k, v]) => `${k}=${k === 'decay' ? `1/${fmt(1 / v)}` : v}`)
    .join(' ') || '(start)';
}

note(`NAB halves: A = ${HALVES['A']?.join(', ')} (${sets.A.size} files); B = ${HALVES['B']?.join(', ')} (${sets.B.size} files); model ${recorded.model}`);
const passes = numberFlag('passes', 2);
const rows: string[][] = [];
for (const [tuneOn, testOn] of [['A', 'B'], ['B', 'A']] as const) {
  const tuned = await tune(sets[tuneOn], passes);
  const [before, after, fit] = await Promise.all([standard(START, sets[testOn]), standard(tuned, sets[testOn]), standard(tuned, sets[tuneOn])]);
  rows.push([`tuned on ${tuneOn}`, describe(tuned), fmt(fit, 1), testOn, fmt(before, 1), fmt(after, 1), fmt(after - before, 1)]);
}
printTable('Tune on one half, score on the other (NAB standard profile)', ['search', 'parameters found', 'score on own half', 'held-out half', 'start params', 'tuned params', 'gain'], rows);

const shipped: ScoringParams = { ...DEFAULT_PARAMS };
const neighbours: ScoringParams[] = [START, shipped];
for (const [key, values] of Object.entries(GRID)) {
  const at = values.indexOf(shipped[key as keyof ScoringParams] as number);
  for (const i of [at - 1, at + 1]) if (at >= 0 && values[i] !== undefined) neighbours.push({ ...shipped, [key]: values[i] });
}
const table: string[][] = [];
for (const params of neighbours) {
  const [a, b] = await Promise.all([standard(params, sets.A), standard(params, sets.B)]);
  const all = profileResults(await replayScores(recorded, params)).map((r) => fmt(r.normalised, 1));
  const name = params === shipped ? `shipped: ${describe(shipped)}` : params === START ? 'start' : `shipped but ${describe(params, shipped)}`;
  table.push([name, fmt(a, 1), fmt(b, 1), ...all]);
}
printTable('Shipped parameters and their grid neighbours', ['parameters', 'A std', 'B std', 'all std', 'all low_FP', 'all low_FN'], table);
