/**
 * A value per stream (device × metric), in a map of maps. The hot paths look a stream up once per reading
 * (windows, spike memory, stream ids, latest readings): a joined `device + metric` key costs a new string
 * and its hash every time, about ten times a lookup in nested maps, where both strings are ones the driver
 * already holds and V8 has cached their hashes.
 */
export class StreamMap<T> {
  private readonly byDevice = new Map<string, Map<string, T>>();

  get(device: string, metric: string): T | undefined {
    return this.byDevice.get(device)?.get(metric);
  }

  set(device: string, metric: string, value: T): void {
    let metrics = this.byDevice.get(device);
    if (!metrics) {
      metrics = new Map();
      this.byDevice.set(device, metrics);
    }
    metrics.set(metric, value);
  }

  delete(device: string, metric: string): void {
    const metrics = this.byDevice.get(device);
    if (!metrics) return;
    metrics.delete(metric);
    if (metrics.size === 0) this.byDevice.delete(device);
  }

  /** Every value; deleting the current one while iterating is safe, as with a Map. */
  *values(): IterableIterator<T> {
    for (const metrics of this.byDevice.values()) yield* metrics.values();
  }

  clear(): void {
    this.byDevice.clear();
  }
}
