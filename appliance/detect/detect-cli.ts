import type { Readable, Writable } from 'node:stream';
import { formatCsv, parseCsv, scoreRows } from './detect-csv.js';
import { Detector } from './detector.js';
import { loadModel } from './model-loader.js';

/** `outpost detect`: the whole of stdin, scored row by row with the appliance's detector, to stdout. */
export async function runDetectCli(opts: { model?: string | undefined; input: Readable; output: Writable }): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of opts.input) chunks.push(chunk as Buffer);
  const rows = parseCsv(Buffer.concat(chunks).toString('utf8'));
  const model = await loadModel(opts.model ? { name: opts.model } : {});
  try {
    const scores = await scoreRows(rows, new Detector({ model }));
    await new Promise<void>((resolve, reject) => opts.output.write(formatCsv(rows, scores), (err) => (err ? reject(err) : resolve())));
  } finally {
    await model.close();
  }
}
