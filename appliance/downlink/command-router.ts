import { OutpostError, type Command, type Driver } from '../../drivers/types.js';

/**
 * Routes a command to the driver that owns the device, after checking the device has that output, so a
 * wrong command is refused with a reason instead of reaching a bus. Used by the JSON downlink, Sparkplug
 * DCMD and (later) rules.
 */
export class CommandRouter {
  constructor(private readonly deps: { drivers: () => readonly Driver[] }) {}

  async write(command: Command): Promise<void> {
    for (const driver of this.deps.drivers()) {
      const device = driver.devices().find((d) => d.id === command.device);
      if (!device) continue;
      if (!driver.write) throw new OutpostError('DEVICE_READ_ONLY', `${driver.protocol} devices take no commands (${command.device})`, { ...command });
      if (!device.outputs.includes(command.output)) {
        throw new OutpostError('OUTPUT_UNKNOWN', `device ${command.device} has no output "${command.output}" (it has: ${device.outputs.join(', ') || 'none'})`, { ...command });
      }
      await driver.write(command);
      return;
    }
    throw new OutpostError('DEVICE_UNKNOWN', `no device ${command.device}`, { ...command });
  }
}
