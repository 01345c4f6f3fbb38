import type { Logger } from '../../appliance/log.js';
import { driverHealthOf } from '../driver-health.js';
import { OutpostError, type Command, type DeviceInfo, type Driver, type DriverHealth, type DriverSink } from '../types.js';
import { checkGpioConfig, type GpioConfig } from './config-schema.js';
import type { GpioBackend } from './gpio-line.js';
import { CounterLine, gpioDeviceId, InputLine, OutputLine } from './lines.js';
import { PulseTotals } from './pulse-totals.js';

export interface GpioDriverDeps {
  config: Pick<GpioConfig, 'inputs' | 'counters' | 'outputs'>;
  /** Opens the backend at start: onoff on sysfs, or the emulated chip. */
  backend: () => Promise<GpioBackend>;
  /** Where pulse totals survive restarts (see PulseTotals). */
  totalsPath: string;
  totalsFlushMs?: number;
  log: Logger;
}

interface Managed {
  info: DeviceInfo;
  line: InputLine | CounterLine | OutputLine;
}

/** Header GPIO lines: debounced inputs, pulse counters and relay outputs, each its own device `gpio:<bcm>`. */
export class GpioDriver implements Driver {
  readonly protocol = 'gpio' as const;
  private readonly managed = new Map<string, Managed>();
  private totals: PulseTotals | undefined;

  constructor(private readonly deps: GpioDriverDeps) {}

  async start(sink: DriverSink, signal: AbortSignal): Promise<void> {
    if (this.managed.size > 0) return;
    const { config, log: parentLog } = this.deps;
    const log = parentLog.child({ driver: 'gpio' });
    const problem = checkGpioConfig(config)[0];
    if (problem) throw new OutpostError('CONFIG_INVALID', `${problem.path}: ${problem.message}`, { ...problem });
    const backend = await this.deps.backend();
    log.info({ backend: backend.description }, `GPIO header lines on ${backend.description}`);

    const totals = new PulseTotals({ path: this.deps.totalsPath, flushMs: this.deps.totalsFlushMs ?? 10_000, log });
    totals.start();
    this.totals = totals;
    const emit = (batch: Parameters<DriverSink['readings']>[0]) => sink.readings(batch);
    const add = (pin: number, name: string, model: string, outputs: string[], line: Managed['line']) =>
      this.managed.set(gpioDeviceId(pin), {
        info: { id: gpioDeviceId(pin), protocol: 'gpio', name, model, outputs, health: { state: 'starting' } },
        line,
      });
    // Outputs first: they reach their safe state before any input reading can make a rule drive them.
    for (const c of config.outputs) add(c.pin, c.name, 'output', ['state'], new OutputLine(c, emit));
    for (const c of config.inputs) add(c.pin, c.name, `input-${c.metric}`, [], new InputLine(c, emit));
    for (const c of config.counters) add(c.pin, c.name, 'pulse-counter', [], new CounterLine(c, totals, emit));

    signal.addEventListener('abort', () => void this.stop(), { once: true });
    for (const device of this.managed.values()) {
      try {
        device.line.open(backend);
        device.info.health = { state: 'ok', lastSeen: Date.now() };
      } catch (error) {
        device.info.health = { state: 'offline', reason: (error as Error).message };
        log.error({ err: error, device: device.info.id }, 'GPIO line could not be opened');
      }
      sink.deviceHealth({ ...device.info });
    }
    log.info({ lines: this.managed.size }, 'gpio driver started');
  }

  async stop(): Promise<void> {
    for (const device of this.managed.values()) {
      try {
        device.line.close();
      } catch (error) {
        this.deps.log.error({ err: error, device: device.info.id }, 'GPIO line could not be released');
      }
    }
    this.managed.clear();
    this.totals?.stop();
    this.totals = undefined;
  }

  devices(): DeviceInfo[] {
    return [...this.managed.values()].map((d) => ({ ...d.info }));
  }

  health(): DriverHealth {
    return driverHealthOf(this.devices());
  }


  async write(command: Command): Promise<void> {
    const device = this.managed.get(command.device);
    if (!device || !(device.line instanceof OutputLine)) {
      throw new OutpostError('DEVICE_UNKNOWN', `no GPIO output ${command.device}`, { device: command.device });
    }
    if (command.output !== 'state') {
      throw new OutpostError('OUTPUT_UNKNOWN', `GPIO output ${command.device} has one output, "state", not "${command.output}"`, { ...command });
    }
    device.line.write(command.value === true || command.value === 1 ? 1 : 0);
  }
}
