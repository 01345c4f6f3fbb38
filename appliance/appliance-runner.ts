import type { Config } from './config/schema.js';
import type { Logger } from './log.js';

export interface RunnableAppliance {
  start(): Promise<void>;
  /** `restarting` when a new appliance starts in this process right after. */
  stop(restarting?: boolean): Promise<void>;
}

export interface ApplianceRunnerDeps {
  /** Reads the saved config again, as `outpost run` does (file, then command-line overrides); throws CONFIG_INVALID. */
  load: () => Config;
  /** A new appliance for a config; it calls `restart` when a saved change must take effect. */
  create: (config: Config, restart: (reason: string) => void) => RunnableAppliance;
  /** Called when a restart cannot bring the appliance back: the service manager starts the process again. */
  exit: (code: number) => void;
  log: Logger;
}

/**
 * Runs the appliance and restarts it in-process when a saved config change asks for it (from the
 * downlink or the setup page), so a change takes effect without waiting for the next boot: every service
 * stops in order (the store commits, the uplink ends its session cleanly) and starts again from the saved
 * file. One restart at a time; requests arriving during one are folded into it.
 */
export class ApplianceRunner {
  private current: RunnableAppliance | undefined;
  private config: Config | undefined;
  private restarting: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: ApplianceRunnerDeps) {}

  async start(config: Config): Promise<void> {
    this.config = config;
    await this.launch(config);
  }

  restart(reason: string): void {
    if (this.stopped || this.restarting) return;
    this.deps.log.info({ reason }, 'restarting the services with the saved config');
    this.restarting = this.cycle().finally(() => {
      this.restarting = undefined;
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.restarting;
    await this.current?.stop();
    this.current = undefined;
  }

  private async cycle(): Promise<void> {
    await this.current?.stop(true);
    this.current = undefined;
    if (this.stopped) return;
    let next: Config;
    try {
      next = this.deps.load();
    } catch (error) {
      // The change was validated before it was saved; a file broken since then must not stop the box.
      this.deps.log.error({ err: error }, 'saved config unreadable; restarting with the config that was running');
      next = this.config as Config;
    }
    try {
      await this.launch(next);
      this.config = next;
    } catch (error) {
      this.deps.log.fatal({ err: error }, 'the appliance did not start again after the config change');
      this.deps.exit(1);
    }
  }

  private async launch(config: Config): Promise<void> {
    const appliance = this.deps.create(config, (reason) => this.restart(reason));
    this.current = appliance;
    await appliance.start();
  }
}
