import { OutpostError, type Command } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import type { SparkplugCatalog } from './sparkplug-catalog.js';
import { decodeSparkplug, toNumber } from './sparkplug-codec.js';
import { deviceOfTopic, REBIRTH, sparkplugTopic, type EdgeNodeId } from './sparkplug-messages.js';

export interface SparkplugCommandsDeps {
  id: EdgeNodeId;
  catalog: SparkplugCatalog;
  log: Logger;
  write: (command: Command) => Promise<void>;
  rebirth: () => void;
}

const OUTPUT_PREFIX = 'Outputs/';

/**
 * NCMD and DCMD for this edge node. `Node Control/Rebirth` = true births again; a DCMD metric
 * `Outputs/<output>` (by name or alias) is a write to that output. Sparkplug has no reply message, so a
 * refused or failed command is logged with its code; nothing a host sends can throw out of here.
 */
export class SparkplugCommands {
  constructor(private readonly deps: SparkplugCommandsDeps) {}

  handle(topic: string, payload: Buffer): void {
    try {
      if (topic === sparkplugTopic(this.deps.id, 'NCMD')) this.nodeCommand(payload);
      else this.deviceCommand(topic, payload);
    } catch (err) {
      const code = err instanceof OutpostError ? err.code : 'SPARKPLUG_COMMAND_FAILED';
      this.deps.log.warn({ topic, code, err: (err as Error).message }, 'sparkplug command refused');
    }
  }

  private nodeCommand(payload: Buffer): void {
    for (const metric of decodeSparkplug(payload).metrics ?? []) {
      if (metric.name === REBIRTH && metric.value === true) {
        this.deps.log.info('sparkplug host asked for a rebirth');
        this.deps.rebirth();
        return;
      }
      throw new OutpostError('SPARKPLUG_UNKNOWN_COMMAND', `NCMD metric "${metric.name ?? toNumber(metric.alias)}" is not supported`);
    }
  }

  private deviceCommand(topic: string, payload: Buffer): void {
    const device = deviceOfTopic(this.deps.id, topic);
    if (device === undefined) throw new OutpostError('SPARKPLUG_UNKNOWN_COMMAND', `no command handler for ${topic}`);
    for (const metric of decodeSparkplug(payload).metrics ?? []) {
      const alias = toNumber(metric.alias);
      const name = this.deps.catalog.resolve(device, { name: metric.name, ...(alias === undefined ? {} : { alias }) });
      if (!name?.startsWith(OUTPUT_PREFIX)) {
        throw new OutpostError('SPARKPLUG_UNKNOWN_METRIC', `device ${device} has no writable metric "${metric.name ?? alias}"`, { device });
      }
      const value = typeof metric.value === 'boolean' ? metric.value : toNumber(metric.value);
      if (value === undefined || (typeof value === 'number' && !Number.isFinite(value))) {
        throw new OutpostError('SPARKPLUG_BAD_VALUE', `DCMD ${name} on ${device} needs a number or a boolean`, { device });
      }
      const command: Command = { device, output: name.slice(OUTPUT_PREFIX.length), value };
      this.deps.write(command).then(
        () => this.deps.log.info({ ...command }, 'sparkplug DCMD written'),
        (err: Error) => this.deps.log.warn({ ...command, code: (err as OutpostError).code, err: err.message }, 'sparkplug DCMD write failed'),
      );
    }
  }
}
