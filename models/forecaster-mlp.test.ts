import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../appliance/detect/model-manifest.js';
import { loadModel } from '../appliance/detect/model-loader.js';

const dir = import.meta.dirname;

describe('models/forecaster-mlp', () => {
  const manifest = parseManifest(readFileSync(join(dir, 'forecaster-mlp.json'), 'utf8'), 'forecaster-mlp.json');

  it('is the file its manifest describes (the training script writes both; rerun it after any change)', () => {
    const bytes = readFileSync(join(dir, manifest.file));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(manifest.sha256);
  });

  it('loads in onnxruntime with the manifest input layout and reproduces the sample output', async () => {
    const model = await loadModel({ dir });
    expect(model.window).toBe(64);
    expect(model.layout).toEqual({ recent: 32, blocks: 32, blockSize: 16 });
    const [forecast] = await model.forecast(Float32Array.from(manifest.sample.input), 1);
    expect(forecast).toBeCloseTo(manifest.sample.output, 3);
    await model.close();
  });
});
