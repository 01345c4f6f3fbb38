/**
 * Significant digits kept for a reading: a float32's precision, the finest any sensor we read reports
 * (Modbus float32 registers; a register × scale is coarser and keeps its own decimals).
 */
const SIGNIFICANT_DIGITS = 7;
/** Beyond this many decimals a value is float noise, not a resolution any sensor has. */
const MAX_DECIMALS = 12;

/** The decimal places a reading needs at sensor precision: 23.400000000000002 → 1, 229.14656066894531 → 4. */
export function decimalsOf(value: number): number {
  if (!Number.isFinite(value) || value === 0) return 0;
  const [mantissa = '', exponent = '0'] = Number(value.toPrecision(SIGNIFICANT_DIGITS)).toString().split('e');
  const dot = mantissa.indexOf('.');
  const decimals = (dot < 0 ? 0 : mantissa.length - dot - 1) - Number(exponent);
  return Math.min(MAX_DECIMALS, Math.max(0, decimals));
}

/** Rounds to `decimals` places; the shortest JSON number that keeps them. */
export function roundTo(value: number, decimals: number): number {
  if (!Number.isFinite(value)) return value;
  return Number(value.toFixed(Math.min(MAX_DECIMALS, decimals)));
}

/**
 * The resolution of one window's stream, read from the window itself: min, max and last are readings the
 * sensor reported, so the decimals they need (at 7 significant digits) are the sensor's resolution.
 */
export function windowDecimals(readings: readonly number[]): number {
  return Math.max(0, ...readings.map(decimalsOf));
}
