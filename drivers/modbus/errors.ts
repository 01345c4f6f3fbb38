/** What went wrong with one Modbus request, in words a user can act on. */
export type ModbusFailureKind = 'timeout' | 'exception' | 'crc' | 'malformed' | 'connection';

export interface ModbusFailure {
  kind: ModbusFailureKind;
  message: string;
  /** Modbus exception code (1 illegal function, 2 illegal data address, …) when the device answered with one. */
  exceptionCode?: number;
}

const EXCEPTION_NAMES: Record<number, string> = {
  1: 'illegal function',
  2: 'illegal data address',
  3: 'illegal data value',
  4: 'slave device failure',
  5: 'acknowledge',
  6: 'slave device busy',
  10: 'gateway path unavailable',
  11: 'gateway target failed to respond',
};

/** Maps modbus-serial's error shapes (errno, modbusCode, bare messages) to one vocabulary. */
export function classifyModbusError(error: unknown): ModbusFailure {
  const e = error as { errno?: string; modbusCode?: number; message?: string; code?: string } | undefined;
  const message = e?.message ?? String(error);
  if (typeof e?.modbusCode === 'number') {
    const name = EXCEPTION_NAMES[e.modbusCode] ?? 'unknown exception';
    return { kind: 'exception', exceptionCode: e.modbusCode, message: `exception ${e.modbusCode} (${name})` };
  }
  if (e?.errno === 'ETIMEDOUT') return { kind: 'timeout', message: 'no answer before the timeout' };
  if (/crc/i.test(message)) return { kind: 'crc', message: 'reply failed its CRC check' };
  if (/length|unexpected|invalid|byte count/i.test(message)) return { kind: 'malformed', message: `malformed reply: ${message}` };
  return { kind: 'connection', message: `connection: ${message || e?.code || 'unknown error'}` };
}

/** A device busy or a gateway hiccup is worth retrying; an illegal address will never succeed. */
export function isRetryable(failure: ModbusFailure): boolean {
  if (failure.kind !== 'exception') return true;
  return failure.exceptionCode === 5 || failure.exceptionCode === 6 || failure.exceptionCode === 11;
}
