import { Alerts } from './alerts.js';
import { Counters } from './counters.js';
import type { Db } from './database.js';
import { Devices } from './devices.js';
import { Outbox } from './outbox.js';
import { Readings } from './readings.js';
import { Streams } from './streams.js';
import { Summaries } from './summaries.js';

/** Every table of the store, each with its statements prepared once for the life of the connection. */
export interface Tables {
  streams: Streams;
  readings: Readings;
  summaries: Summaries;
  outbox: Outbox;
  alerts: Alerts;
  devices: Devices;
  counters: Counters;
}

export function openTables(db: Db, options: { outboxMaxBytes: number }): Tables {
  const counters = new Counters(db);
  return {
    streams: new Streams(db),
    readings: new Readings(db),
    summaries: new Summaries(db),
    outbox: new Outbox({ db, counters, maxBytes: options.outboxMaxBytes }),
    alerts: new Alerts(db),
    devices: new Devices(db),
    counters,
  };
}
