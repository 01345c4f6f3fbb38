/** What the IP ingest benchmark sends: ten devices, each message a SenML pack of ten readings. */
export const READINGS_PER_MESSAGE = 10;

export const BENCH_DEVICES = Array.from({ length: 10 }, (_, i) => ({
  name: `dev${i}`,
  token: `bench-token-${String(i).padStart(8, '0')}`,
  topic: `bench/dev${i}/senml`,
}));

/** A pack as a temperature logger sends it: base name and unit once, ten values at one-second steps. */
export function senmlPack(device: string): string {
  const records = Array.from({ length: READINGS_PER_MESSAGE }, (_, i) => ({ t: i - READINGS_PER_MESSAGE + 1, v: 20 + i / 10 }));
  return JSON.stringify([{ bn: `${device}:temperature`, bu: 'Cel', ...records[0] }, ...records.slice(1)]);
}
