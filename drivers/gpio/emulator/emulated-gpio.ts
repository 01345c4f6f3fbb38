import { OutpostError } from '../../types.js';
import { HEADER_PINS } from '../config-schema.js';
import type { GpioBackend, GpioDirection, GpioEdge, GpioLine } from '../gpio-line.js';

type Watcher = (error: Error | null | undefined, value: 0 | 1) => void;

interface LineState {
  level: 0 | 1;
  direction: GpioDirection;
  edge: GpioEdge;
  watchers: Set<Watcher>;
  exported: boolean;
}

/**
 * The header's lines without the hardware: the world drives inputs with `drive()` (bounces included) and
 * reads outputs with `level()`; the driver sees onoff's `Gpio` API through `open()`. Watch callbacks run
 * on a later tick, as onoff's epoll callbacks do.
 */
export class EmulatedGpioChip implements GpioBackend {
  readonly description = 'emulated header (no hardware)';
  private readonly lines = new Map<number, LineState>();
  private readonly outputListeners = new Set<(pin: number, level: 0 | 1) => void>();

  open(pin: number, direction: GpioDirection, edge: GpioEdge): GpioLine {
    if (!Number.isInteger(pin) || pin < HEADER_PINS.min || pin > HEADER_PINS.max) {
      throw new OutpostError('GPIO_NO_SUCH_PIN', `GPIO ${pin} is not on the header (BCM ${HEADER_PINS.min}–${HEADER_PINS.max})`, { pin });
    }
    const previous = this.lines.get(pin);
    if (previous?.exported) throw new OutpostError('GPIO_BUSY', `GPIO ${pin} is already exported`, { pin });
    const initial: 0 | 1 = direction === 'high' ? 1 : direction === 'low' ? 0 : (previous?.level ?? 0);
    const state: LineState = { level: initial, direction, edge, watchers: new Set(), exported: true };
    this.lines.set(pin, state);
    if (direction !== 'in') this.notifyOutput(pin, initial);
    return new EmulatedGpio(pin, state, (level) => this.write(pin, level));
  }

  /** What the wire does on an input: a contact closing, a pulse, a bounce. */
  drive(pin: number, level: 0 | 1): void {
    const line = this.lines.get(pin);
    if (!line) {
      this.lines.set(pin, { level, direction: 'in', edge: 'none', watchers: new Set(), exported: false });
      return;
    }
    if (line.direction !== 'in' || line.level === level) return;
    line.level = level;
    const fires = line.edge === 'both' || (line.edge === 'rising' && level === 1) || (line.edge === 'falling' && level === 0);
    if (!fires || !line.exported) return;
    for (const watcher of line.watchers) queueMicrotask(() => watcher(null, level));
  }

  /** The level an output is driven to, or an input reads. */
  level(pin: number): 0 | 1 | undefined {
    return this.lines.get(pin)?.level;
  }

  isExported(pin: number): boolean {
    return this.lines.get(pin)?.exported ?? false;
  }

  onOutputChange(listener: (pin: number, level: 0 | 1) => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  private write(pin: number, level: 0 | 1): void {
    const line = this.lines.get(pin);
    if (!line || line.level === level) return;
    line.level = level;
    this.notifyOutput(pin, level);
  }

  private notifyOutput(pin: number, level: 0 | 1): void {
    for (const listener of this.outputListeners) listener(pin, level);
  }
}

class EmulatedGpio implements GpioLine {
  constructor(
    private readonly pin: number,
    private readonly state: LineState,
    private readonly write: (level: 0 | 1) => void,
  ) {}

  readSync(): 0 | 1 {
    this.assertExported();
    return this.state.level;
  }

  writeSync(value: 0 | 1): void {
    this.assertExported();
    if (this.state.direction === 'in') throw new OutpostError('GPIO_NOT_OUTPUT', `GPIO ${this.pin} is an input`, { pin: this.pin });
    this.write(value);
  }

  watch(callback: Watcher): void {
    this.state.watchers.add(callback);
  }

  unwatchAll(): void {
    this.state.watchers.clear();
  }

  unexport(): void {
    this.state.watchers.clear();
    this.state.exported = false;
  }

  private assertExported(): void {
    if (!this.state.exported) throw new OutpostError('GPIO_UNEXPORTED', `GPIO ${this.pin} was unexported`, { pin: this.pin });
  }
}
