import type { Statement } from 'better-sqlite3';
import type { DeviceInfo, HealthState, Protocol } from '../../drivers/types.js';
import type { Db } from './database.js';

interface DeviceRow {
  id: string;
  protocol: string;
  name: string;
  model: string;
  outputs: string;
  state: string;
  reason: string | null;
  last_seen: number | null;
}

type Upsert = [string, string, string, string, string, string, string | null, number | null, number];

/** The `devices` table: each device as last reported, so health survives a restart. */
export class Devices {
  private readonly upsertRow: Statement<Upsert>;
  private readonly selectAll: Statement<[], DeviceRow>;

  constructor(db: Db) {
    this.upsertRow = db.prepare(
      `INSERT INTO devices (id, protocol, name, model, outputs, state, reason, last_seen, updated)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET protocol = excluded.protocol, name = excluded.name, model = excluded.model,
         outputs = excluded.outputs, state = excluded.state, reason = excluded.reason,
         last_seen = excluded.last_seen, updated = excluded.updated`,
    );
    this.selectAll = db.prepare(
      'SELECT id, protocol, name, model, outputs, state, reason, last_seen FROM devices ORDER BY id',
    );
  }

  upsert(device: DeviceInfo, now: number): void {
    const { health } = device;
    this.upsertRow.run(
      device.id,
      device.protocol,
      device.name,
      device.model,
      // A handful of short output names per device, written only when the device is reported.
      JSON.stringify(device.outputs),
      health.state,
      health.reason ?? null,
      health.lastSeen ?? null,
      now,
    );
  }

  all(): DeviceInfo[] {
    return this.selectAll.all().map((row) => {
      const health: DeviceInfo['health'] = { state: row.state as HealthState };
      if (row.reason !== null) health.reason = row.reason;
      if (row.last_seen !== null) health.lastSeen = row.last_seen;
      return {
        id: row.id,
        protocol: row.protocol as Protocol,
        name: row.name,
        model: row.model,
        outputs: JSON.parse(row.outputs) as string[],
        health,
      };
    });
  }
}
