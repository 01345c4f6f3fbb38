import { randomBytes, randomInt } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { OutpostError } from '../types.js';

/** The Zigbee network this box owns: generated once per box, never a shared default that neighbours could know. */
export interface NetworkIdentity {
  channel: number;
  panId: number;
  extendedPanId: number[];
  networkKey: number[];
}

/** Channels 11, 15, 20 and 25 sit between the common 2.4 GHz Wi-Fi channels 1, 6 and 11. */
const QUIET_CHANNELS = [11, 15, 20, 25] as const;

export function generateIdentity(channel?: number): NetworkIdentity {
  const extendedPanId = [...randomBytes(8)];
  // All-0x00, all-0xFF and herdsman's 0xDD placeholder have special meanings; redraw on the (negligible) hit.
  if (new Set(extendedPanId).size === 1) return generateIdentity(channel);
  return {
    channel: channel ?? QUIET_CHANNELS[randomInt(QUIET_CHANNELS.length)] ?? 15,
    panId: randomInt(0x0001, 0xfff7), // 0xFFF8..0xFFFF are reserved or broadcast
    extendedPanId,
    networkKey: [...randomBytes(16)],
  };
}

function isByteArray(value: unknown, length: number): value is number[] {
  return Array.isArray(value) && value.length === length && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255);
}

function parseIdentity(text: string, path: string): NetworkIdentity {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new OutpostError('ZIGBEE_NETWORK_FILE_INVALID', `${path} is not JSON`, { path }, { cause: error });
  }
  const v = value as Partial<NetworkIdentity> | null;
  const ok =
    v !== null &&
    typeof v === 'object' &&
    Number.isInteger(v.channel) && (v.channel ?? 0) >= 11 && (v.channel ?? 0) <= 26 &&
    Number.isInteger(v.panId) && (v.panId ?? 0) >= 1 && (v.panId ?? 0) < 0xfff8 &&
    isByteArray(v.extendedPanId, 8) &&
    isByteArray(v.networkKey, 16);
  if (!ok) throw new OutpostError('ZIGBEE_NETWORK_FILE_INVALID', `${path} does not describe a Zigbee network`, { path });
  return v as NetworkIdentity;
}

/**
 * Reads the box's network identity, creating it on first start. A damaged file is an error and is never
 * overwritten: replacing it would form a new network and orphan every paired device.
 */
export async function loadOrCreateIdentity(path: string, channel?: number): Promise<NetworkIdentity> {
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (text !== undefined) return parseIdentity(text, path);
  const identity = generateIdentity(channel);
  const temp = `${path}.tmp`;
  await writeFile(temp, `${JSON.stringify(identity, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
  return identity;
}
