/**
 * Runs `outpost detect`'s code path on every NAB file here and prints the three normalised scores, next
 * to a baseline measured in the same run: the same post-processing around a forecaster that predicts
 * "the last value again". Usage: `npx tsx test/bench/nab-run.ts [--files N]`.
 */
import { scoreRows } from '../../appliance/detect/detect-csv.js';
import { Detector, type Forecaster } from '../../appliance/detect/detector.js';
import { loadModel } from '../../appliance/detect/model-loader.js';
import { fmt, note, numberFlag, printTable } from './bench-kit.js';
import { loadNab, type NabFile } from './nab-data.js';
import { PROFILES, scoreCorpus, type ScoredFile } from './nab-score.js';

/** The naive forecast, fed the same input as the model: the newest value. */
function persistence(model: Forecaster): Forecaster {
  const { window } = model;
  const newest = (model.layout?.recent ?? window) - 1;
  return {
    window,
    ...(model.layout ? { layout: model.layout } : {}),
    async forecast(inputs, rows) {
      const out = new Float32Array(rows);
      for (let r = 0; r < rows; r++) out[r] = inputs[r * window + newest] as number;
      return out;
    },
  };
}

async function scoreAll(files: readonly NabFile[], model: Forecaster): Promise<{ results: ReturnType<typeof scoreCorpus>[]; seconds: number }> {
  const started = performance.now();
  const scored: ScoredFile[] = [];
  for (const file of files) {
    const scores = await scoreRows(file.rows, new Detector({ model }));
    scored.push({ ts: file.ts, scores, windows: file.windows });
  }
  const seconds = (performance.now() - started) / 1000;
  return { results: PROFILES.map((p) => scoreCorpus(scored, p)), seconds };
}

const files = loadNab().slice(0, numberFlag('files', Infinity));
const model = await loadModel();
const rows = files.reduce((n, f) => n + f.rows.length, 0);
note(`NAB: ${files.length} files, ${fmt(rows)} rows, ${files.reduce((n, f) => n + f.windows.length, 0)} windows; model ${model.manifest.name}@${model.manifest.version}`);
const runs = [
  { name: `${model.manifest.name} (ONNX)`, ...(await scoreAll(files, model)) },
  { name: 'baseline: last value', ...(await scoreAll(files, persistence(model))) },
];
await model.close();
printTable(
  'NAB normalised scores (one threshold per profile over all files)',
  ['detector', ...PROFILES.map((p) => p.name), 'threshold (std)', 'tp/fp/fn (std)', 'rows/s'],
  runs.map((run) => {
    const std = run.results[0];
    return [
      run.name,
      ...run.results.map((r) => fmt(r.normalised, 1)),
      std ? fmt(std.threshold, 4) : '',
      std ? `${std.tp}/${std.fp}/${std.fn}` : '',
      fmt(rows / run.seconds),
    ];
  }),
);
