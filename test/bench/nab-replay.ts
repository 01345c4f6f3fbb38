/**
 * Scores NAB files with the detector's post-processing quickly, for tuning and hold-out checks: the
 * model's forecasts depend only on each file's values, never on the scoring parameters, so they are
 * computed once per model and replayed from a cache file. A replayed run scores exactly what
 * `outpost detect` would with the same parameters.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreRows } from '../../appliance/detect/detect-csv.js';
import { DEFAULT_PARAMS, Detector, type Forecaster } from '../../appliance/detect/detector.js';
import { loadModel } from '../../appliance/detect/model-loader.js';
import type { NabFile } from './nab-data.js';
import { PROFILES, scoreCorpus, type ProfileResult, type ScoredFile } from './nab-score.js';

export type ScoringParams = Partial<typeof DEFAULT_PARAMS>;

/** A file's forecasts in call order, for one model. */
export interface ReplayFile {
  file: NabFile;
  forecasts: Float32Array;
}

/** Hands back recorded forecasts in order; the detector calls it with one row at a time here. */
class Replay implements Forecaster {
  private next = 0;
  constructor(
    readonly window: number,
    readonly layout: Forecaster['layout'],
    private readonly forecasts: Float32Array,
  ) {}

  async forecast(_inputs: Float32Array, rows: number): Promise<Float32Array> {
    const out = this.forecasts.subarray(this.next, this.next + rows);
    this.next += rows;
    return out;
  }
}

export interface Recorded {
  model: string;
  window: number;
  layout: Forecaster['layout'];
  replays: ReplayFile[];
}

/** Runs the model over every file once (or reads the cache written by an earlier run for the same model). */
export async function recordForecasts(files: readonly NabFile[], cacheDir = join(tmpdir(), 'outpost-nab-forecasts')): Promise<Recorded> {
  const model = await loadModel();
  const { sha256, name, version } = model.manifest;
  const { window, layout } = model;
  const cache = join(cacheDir, `${sha256}.json`);
  let stored: Record<string, number[]> = {};
  if (existsSync(cache)) stored = JSON.parse(readFileSync(cache, 'utf8')) as Record<string, number[]>;
  const replays: ReplayFile[] = [];
  for (const file of files) {
    let forecasts = stored[file.name];
    if (!forecasts) {
      const recorded: number[] = [];
      const recorder: Forecaster = {
        window,
        layout,
        async forecast(inputs, rows) {
          const out = await model.forecast(inputs, rows);
          recorded.push(...out);
          return out;
        },
      };
      await scoreRows(file.rows, new Detector({ model: recorder }));
      stored[file.name] = forecasts = recorded;
    }
    replays.push({ file, forecasts: Float32Array.from(forecasts) });
  }
  await model.close();
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cache, JSON.stringify(stored));
  return { model: `${name}@${version}`, window, layout, replays };
}

/** Scores of every row of each file with these parameters, from the recorded forecasts. */
export async function replayScores(
  recorded: Recorded,
  params: ScoringParams,
  only?: ReadonlySet<string>,
): Promise<ScoredFile[]> {
  const out: ScoredFile[] = [];
  for (const { file, forecasts } of recorded.replays) {
    if (only && !only.has(file.name)) continue;
    const model = new Replay(recorded.window, recorded.layout, forecasts);
    const scores = await scoreRows(file.rows, new Detector({ model, params }));
    out.push({ ts: file.ts, scores, windows: file.windows });
  }
  return out;
}

/** The three profiles' results for already scored files. */
export function profileResults(scored: readonly ScoredFile[]): ProfileResult[] {
  return PROFILES.map((p) => scoreCorpus(scored, p));
}
