import { readFile, readdir, statfs } from 'node:fs/promises';
import { cpus, freemem, loadavg, totalmem, uptime } from 'node:os';
import { join } from 'node:path';

export interface SystemInfo {
  uptimeSeconds: number;
  processUptimeSeconds: number;
  cpu: { cores: number; load1: number; load5: number };
  memory: { totalBytes: number; availableBytes: number; processRssBytes: number };
  disk: { path: string; totalBytes: number; freeBytes: number } | null;
  /** The SoC, from the first thermal zone; null where the board exposes none (most VMs and laptops). */
  socTemperatureC: number | null;
}

const THERMAL = '/sys/class/thermal';

export async function socTemperature(root = THERMAL): Promise<number | null> {
  let zones: string[];
  try {
    zones = (await readdir(root)).filter((z) => z.startsWith('thermal_zone')).sort();
  } catch {
    return null;
  }
  for (const zone of zones) {
    try {
      const milli = Number((await readFile(join(root, zone, 'temp'), 'utf8')).trim());
      if (Number.isFinite(milli)) return Math.round(milli / 100) / 10;
    } catch {
      // a zone without a readable temp: try the next
    }
  }
  return null;
}

export async function systemInfo(dataDir: string, thermalRoot?: string): Promise<SystemInfo> {
  const [load1 = 0, load5 = 0] = loadavg();
  let disk: SystemInfo['disk'] = null;
  try {
    const s = await statfs(dataDir);
    disk = { path: dataDir, totalBytes: s.blocks * s.bsize, freeBytes: s.bavail * s.bsize };
  } catch {
    disk = null;
  }
  return {
    uptimeSeconds: Math.round(uptime()),
    processUptimeSeconds: Math.round(process.uptime()),
    cpu: { cores: cpus().length, load1, load5 },
    memory: { totalBytes: totalmem(), availableBytes: freemem(), processRssBytes: process.memoryUsage.rss() },
    disk,
    socTemperatureC: await socTemperature(thermalRoot),
  };
}
