import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { OutpostError } from '../../drivers/types.js';
import type { Forecaster } from './detector.js';
import { DEFAULT_MODEL, modelsDir, readModelFiles, type ModelManifest } from './model-manifest.js';

/** How far the sample's output may move between runtimes (float32 kernels differ by CPU). */
const SAMPLE_TOLERANCE = 1e-3;

/**
 * One thread, no thread pools: the batch is small and the tick's other work runs on the main thread
 * meanwhile, so more threads only add wake-ups and stacks. Without the arena, memory is given back
 * after each run instead of held at the largest batch seen.
 */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {
  intraOpNumThreads: 1,
  interOpNumThreads: 1,
  executionMode: 'sequential',
  enableCpuMemArena: false,
  graphOptimizationLevel: 'all',
};

/** One onnxruntime session for one model; every stream's rows go through it in one `run` per batch. */
export class OnnxForecaster implements Forecaster {
  readonly window: number;
  readonly layout: { recent: number; blocks: number; blockSize: number };
  private readonly input: string;
  private readonly output: string;

  private constructor(
    readonly manifest: ModelManifest,
    private readonly session: ort.InferenceSession,
  ) {
    this.window = manifest.inputs[0].shape[1];
    this.layout = manifest.layout ?? { recent: this.window, blocks: 0, blockSize: 1 };
    this.input = manifest.inputs[0].name;
    this.output = manifest.outputs[0].name;
  }

  /**
   * Loads verified bytes into a fresh session and proves it on the manifest's sample before anyone uses
   * it: a model whose inputs are not what the manifest says, or that answers differently, is refused.
   */
  static async create(manifest: ModelManifest, bytes: Uint8Array, options = SESSION_OPTIONS): Promise<OnnxForecaster> {
    const subject = `model ${manifest.name}@${manifest.version}`;
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, options);
    } catch (error) {
      throw new OutpostError('MODEL_LOAD', `${subject}: onnxruntime refused it: ${(error as Error).message}`, { name: manifest.name });
    }
    const model = new OnnxForecaster(manifest, session);
    try {
      model.checkShape();
      const { recent, blocks } = model.layout;
      if (recent + blocks !== model.window) throw new Error(`the layout has ${recent} + ${blocks} values, the input ${model.window}`);
      const { input, output } = manifest.sample;
      if (input.length !== model.window) throw new Error(`the sample has ${input.length} values, the input ${model.window}`);
      const [got = Number.NaN] = await model.forecast(Float32Array.from(input), 1);
      if (!(Math.abs(got - output) <= SAMPLE_TOLERANCE)) {
        throw new OutpostError('MODEL_SAMPLE', `${subject}: gives ${got} on its sample, the manifest expects ${output}`, { name: manifest.name });
      }
    } catch (error) {
      await session.release();
      if (error instanceof OutpostError) throw error;
      throw new OutpostError('MODEL_SHAPE', `${subject}: does not match its manifest: ${(error as Error).message}`, { name: manifest.name });
    }
    return model;
  }

  async forecast(inputs: Float32Array, rows: number): Promise<Float32Array> {
    const tensor = new ort.Tensor('float32', inputs.subarray(0, rows * this.window), [rows, this.window]);
    const result = await this.session.run({ [this.input]: tensor });
    const out = result[this.output];
    if (!out || out.data.length !== rows) throw new Error(`model ${this.manifest.name} returned ${out?.data.length ?? 0} values for ${rows} rows`);
    return out.data as Float32Array;
  }

  async close(): Promise<void> {
    await this.session.release();
  }

  private checkShape(): void {
    const [meta] = this.session.inputMetadata;
    const [outMeta] = this.session.outputMetadata;
    if (this.session.inputNames.length !== 1 || meta?.name !== this.input) throw new Error(`inputs are [${this.session.inputNames.join(', ')}], not [${this.input}]`);
    if (outMeta?.name !== this.output) throw new Error(`outputs are [${this.session.outputNames.join(', ')}], not [${this.output}]`);
    const width = meta.isTensor ? meta.shape[1] : undefined;
    if (typeof width === 'number' && width !== this.window) throw new Error(`input ${this.input} takes ${width} values, not ${this.window}`);
  }
}

/** `models/<name>.json` and its `.onnx`, verified by hash, loaded and checked; `session` only for benchmarks comparing options. */
export async function loadModel(opts: { name?: string; dir?: string; session?: ort.InferenceSession.SessionOptions } = {}): Promise<OnnxForecaster> {
  const path = join(opts.dir ?? modelsDir(), `${opts.name ?? DEFAULT_MODEL}.json`);
  const { manifest, bytes } = await readModelFiles(path);
  return OnnxForecaster.create(manifest, bytes, opts.session);
}
