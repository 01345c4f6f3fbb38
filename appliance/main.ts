import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { ModbusDeviceConfig } from '../drivers/modbus/config-schema.js';
import { findHttpIngest } from '../drivers/http/http-ingest-driver.js';
import { httpIngestRoutes } from '../drivers/http/ingest-routes.js';
import { ModbusDriver } from '../drivers/modbus/modbus-driver.js';
import { startScenario, type RunningScenario } from '../drivers/sim/start-emulators.js';
import { OutpostError, type Driver } from '../drivers/types.js';
import { AccessControl } from './auth/access-control.js';
import type { Sessions } from './auth/sessions.js';
import type { Config } from './config/schema.js';
import { Detection } from './detect/detection.js';
import { ModelUpdates } from './detect/model-updates.js';
import { createDrivers } from './drivers.js';
import { HealthRegistry } from './health.js';
import { Intake } from './ingest/intake.js';
import { TickLoop } from './ingest/tick-loop.js';
import type { Logger } from './log.js';
import { Pipeline } from './pipeline/pipeline.js';
import { BundleDownload } from './ota/bundle-download.js';
import { loadPublicKey } from './ota/keys.js';
import { UpdateOutcomes } from './ota/update-outcomes.js';
import { RuleEngine } from './rules/rule-engine.js';
import { Store } from './store/store.js';
import { SystemdNotifier } from './systemd-notify.js';
import { CommandRouter } from './downlink/command-router.js';
import { ConfigChange } from './downlink/config-change.js';
import { RawForward } from './uplink/raw-forward.js';
import { Uplinks } from './uplink/uplinks.js';
import { outboxDrafts } from './uplink/outbox-drafts.js';
import { buildWebApp } from './web/app.js';
import { LiveFeed } from './web/live-feed.js';
import { LocalStream } from './live/local-stream.js';

const DAY_MS = 86_400_000;
const MB = 1024 * 1024;
/** Readings the intake holds between ticks; past this, drivers outrun the store and readings are counted as overflow. */
const INTAKE_CAPACITY = 200_000;

export interface ApplianceDeps {
  config: Readonly<Config>;
  /** The config file this run read, where the page and the downlink save changes; `<dataDir>/config.json` by default. */
  configPath?: string;
  log: Logger;
  version: string;
  /** Restarts every service with the saved config (the runner's in-process restart); absent, changes wait for the next start. */
  requestRestart?: (reason: string) => void;
  /** Page sessions that outlive such a restart. */
  sessions?: Sessions;
}

/**
 * The composition root: builds every service with its dependencies, starts them in order (HTTP first so
 * `/api/health` answers 503 while the rest comes up) and stops them in reverse.
 */
export class Appliance {
  private readonly health = new HealthRegistry();
  private readonly notifier = new SystemdNotifier();
  private readonly stack: { name: string; stop: () => Promise<void> }[] = [];
  private readonly drivers: Driver[] = [];
  /** Set once detection has started, for the web API's model routes. */
  private modelUpdates: ModelUpdates | undefined;
  private store: Store | undefined;
  /** Set once every configured driver had its start: before that, the device list is not known yet. */
  private driversStarted = false;
  private web: FastifyInstance | undefined;
  private readonly live = new LiveFeed();
  /** Where devices added at run time deliver, once the pipeline is up. */
  private intake: Intake | undefined;
  private driverSignal: AbortSignal | undefined;
  private world: RunningScenario | undefined;

  constructor(private readonly deps: ApplianceDeps) {}

  /** The emulated world `--scenario` runs, once started: tests drive its lines and tags. */
  get scenario(): RunningScenario | undefined {
    return this.world;
  }

  /** The address HTTP listens on, once started (port 0 in the config picks a free one). */
  get httpAddress(): { host: string; port: number } | undefined {
    const address = this.web?.server.address();
    return address && typeof address === 'object' ? { host: address.address, port: address.port } : undefined;
  }

  async start(): Promise<void> {
    const { config, log, version } = this.deps;
    const nodeId = config.nodeId ?? 'outpost';
    // The update agent checks which version answers before it commits one.
    this.health.register('release', () => ({ state: 'ok', version }));
    try {
      const dataDir = resolve(config.dataDir);
      mkdirSync(dataDir, { recursive: true });
      const configPath = this.deps.configPath ?? join(dataDir, 'config.json');
      // Before HTTP listens: the first request must already know whether setup is done.
      const access = new AccessControl({ dataDir, log: log.child({ service: 'access' }), bootDir: '/boot/firmware', ...(this.deps.sessions ? { sessions: this.deps.sessions } : {}) });
      await access.start();
      this.push('access', () => access.stop());
      this.web = buildWebApp({
        health: this.health,
        store: () => this.store,
        drivers: () => this.drivers,
        access,
        live: this.live,
        log: log.child({ service: 'web' }),
        version,
        dataDir,
        configPath,
        current: () => ({ nodeId, mqttUrl: config.mqtt.url }),
        startModbusDevice: (device) => this.startModbusDevice(device),
        models: () => this.modelUpdates,
        ...(this.deps.requestRestart ? { requestRestart: this.deps.requestRestart } : {}),
      });
      // Devices POST to /ingest/<name> with their own token, outside the UI's session auth.
      await this.web.register(httpIngestRoutes, { driver: () => findHttpIngest(this.drivers) });
      await this.web.listen({ host: config.http.host, port: config.http.port });
      this.push('http', async () => void (await this.web?.close()));
      log.info({ http: this.httpAddress }, 'http listening');

      const store = new Store({
        path: join(dataDir, 'outpost.db'),
        log: log.child({ service: 'store' }),
        retention: {
          readingsMaxAgeMs: config.store.readingsMaxAgeDays * DAY_MS,
          summariesMaxAgeMs: config.store.summariesMaxAgeDays * DAY_MS,
          maxBytes: config.store.maxMegabytes * MB,
        },
        outboxMaxBytes: config.store.outboxMaxMegabytes * MB,
      });
      await store.start();
      this.store = store;
      this.push('store', () => store.stop());
      this.health.register('store', () => ({ state: 'ok', outbox: store.outboxStats(), bytesWritten: store.bytesWritten() }));

      let scenario: RunningScenario | undefined;
      if (config.scenario !== 'none') {
        const world = await startScenario(config.scenario, { log: log.child({ service: 'emulator' }), scale: config.scenarioScale });
        scenario = world;
        this.world = world;
        this.push('emulators', () => world.stop());
        log.info({ scenario: config.scenario, scale: config.scenarioScale, endpoints: world.endpoints }, 'emulated devices started');
      }

      const intake = new Intake(INTAKE_CAPACITY);
      this.intake = intake;
      const commands = new CommandRouter({ drivers: () => this.drivers });
      const configChange = new ConfigChange({ path: configPath, config, ...(this.deps.requestRestart ? { restart: this.deps.requestRestart } : {}) });
      // The scenario's rules join the configured ones, as its devices join the configured devices.
      const rules = new RuleEngine({ rules: [...config.rules, ...(scenario?.rules ?? [])], write: (command) => commands.write(command), log: log.child({ service: 'rules' }) });
      const detection = new Detection({
        log: log.child({ service: 'detect' }),
        rules,
        model: config.detect.model,
        installedDir: join(dataDir, 'models'),
        policy: { ...config.detect, cooldownMs: config.detect.cooldownSeconds * 1000 },
        learningRows: config.detect.learningReadings,
      });
      const modelKeyFile = config.detect.modelKeyFile;
      const modelUpdates = new ModelUpdates({
        detection,
        publicKey: () => (modelKeyFile ? loadPublicKey(modelKeyFile) : undefined),
        dir: join(dataDir, 'models'),
        log: log.child({ service: 'detect' }),
      });
      const uplink = new Uplinks({
        config,
        nodeId,
        dataDir,
        outbox: store,
        log: log.child({ service: 'uplink' }),
        version,
        // Until the drivers are up, the device list is unknown rather than empty (nothing is withdrawn upstream).
        devices: () => (this.driversStarted ? this.drivers.flatMap((d) => d.devices()) : undefined),
        streams: () => store.latestReadings(),
        downlink: {
          config: (message) => configChange.apply(message),
          command: (command) => commands.write(command),
          model: { accept: (offer) => modelUpdates.accept(offer), rollback: () => modelUpdates.rollback() },
          update: new BundleDownload({ dataDir, version, log: log.child({ service: 'ota' }) }),
        },
      });
      if (config.detect.enabled) {
        await detection.start();
        this.modelUpdates = modelUpdates;
        this.push('detect', () => detection.stop());
        this.health.register('detect', () => ({ state: detection.active ? 'ok' : 'degraded', model: detection.model }));
      }
      const rawForward = new RawForward({ config: config.rawForward, nodeId, log: log.child({ service: 'uplink' }) });
      await rawForward.start();
      this.push('raw forward', () => rawForward.stop());
      const tickLoop = new TickLoop({
        intake,
        detect: detection,
        rules,
        pipeline: new Pipeline({ windowMs: config.pipeline.windowSeconds * 1000, graceMs: config.pipeline.graceSeconds * 1000 }),
        store,
        outbox: (summaries, alerts, accepted) => [...outboxDrafts(nodeId, summaries, alerts), ...rawForward.drafts(accepted)],
        uplink,
        log: log.child({ service: 'pipeline' }),
        tickMs: config.pipeline.tickMs,
        retryCapacity: INTAKE_CAPACITY,
      });

      await uplink.start();
      this.push('uplink', () => uplink.stop());
      this.health.register('uplink', () => ({ ...uplink.status() }));
      const updateOutcomes = new UpdateOutcomes({ nodeId, dataDir, store, uplink, log: log.child({ service: 'ota' }) });
      await updateOutcomes.start();
      this.push('update outcomes', () => updateOutcomes.stop());

      tickLoop.on('tick', (event) => this.live.publish(event));
      const liveStream = new LocalStream({ config: config.live, nodeId, feed: this.live, log: log.child({ service: 'live' }) });
      await liveStream.start();
      this.push('live', () => liveStream.stop());
      this.health.register('live', () => ({ ...liveStream.status() }));
      await tickLoop.start();
      this.push('pipeline', () => tickLoop.stop());
      this.health.register('pipeline', () => ({ state: 'running', intake: intake.size }));

      const controller = new AbortController();
      this.push('drivers', async () => controller.abort());
      this.driverSignal = controller.signal;
      for (const driver of createDrivers({ config, scenario, log })) {
        this.health.register(driver.protocol, () => ({ ...driver.health() }));
        this.push(driver.protocol, () => driver.stop());
        try {
          await driver.start(intake, controller.signal);
          this.drivers.push(driver);
        } catch (error) {
          // One protocol failing (a missing adapter, a port in use) must not keep the others down.
          log.error({ err: error, driver: driver.protocol }, 'driver failed to start');
        }
      }

      this.driversStarted = true;
      this.health.markReady();
      this.notifier.ready(() => this.health.report().ready);
      const devices = this.drivers.reduce((n, d) => n + d.devices().length, 0);
      log.info({ nodeId, version, devices }, 'outpost ready');
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Stops drivers first and the store last, so the final tick still has somewhere to go. */
  /** `restarting`: the runner starts a new appliance in this process right after (systemd is told so). */
  async stop(restarting = false): Promise<void> {
    this.health.markStopping();
    this.notifier.stopping(restarting);
    for (const service of this.stack.splice(0).reverse()) {
      try {
        await service.stop();
      } catch (error) {
        this.deps.log.error({ err: error, service: service.name }, 'service failed to stop cleanly');
      }
    }
    this.drivers.length = 0;
    this.store = undefined;
    this.world = undefined;
  }

  /** A device added from the web page: polled from now on by a driver of its own, stopped with the others. */
  private async startModbusDevice(device: ModbusDeviceConfig): Promise<void> {
    if (!this.intake || !this.driverSignal) throw new OutpostError('STARTING', 'outpost is still starting; try again in a moment');
    const driver = new ModbusDriver({ devices: [device], log: this.deps.log });
    this.push(`modbus ${device.name}`, () => driver.stop());
    await driver.start(this.intake, this.driverSignal);
    this.drivers.push(driver);
  }

  private push(name: string, stop: () => Promise<void>): void {
    this.stack.push({ name, stop });
  }
}
