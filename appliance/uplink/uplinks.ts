import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { OutpostError, type DeviceInfo } from '../../drivers/types.js';
import type { Config } from '../config/schema.js';
import { DownlinkRouter, type DownlinkHandlers } from '../downlink/downlink-router.js';
import { attachDownlink } from '../downlink/attach-downlink.js';
import type { Logger } from '../log.js';
import { BdSeqFile } from './bd-seq-file.js';
import { brokerClientOptions } from './broker-security.js';
import type { UplinkConfig } from './config-schema.js';
import { HomeAssistantDiscovery, type DiscoveryStream } from './home-assistant-discovery.js';
import { MqttUplink, type UplinkStatus } from './mqtt-uplink.js';
import { SharedOutbox, type CursorOutbox } from './shared-outbox.js';
import { SparkplugEdgeNode } from './sparkplug-edge-node.js';
import { compactSummaryMessages } from './summary-message-v2.js';

export interface UplinksDeps {
  config: Readonly<Config>;
  nodeId: string;
  dataDir: string;
  outbox: CursorOutbox;
  log: Logger;
  version: string;
  /** The drivers' devices; undefined until they have started. */
  devices: () => readonly DeviceInfo[] | undefined;
  streams: () => readonly DiscoveryStream[];
  /** What downlink messages do; `rebirth` is the uplinks' own. */
  downlink: Omit<DownlinkHandlers, 'rebirth'>;
}

interface Running {
  name: string;
  service: MqttUplink | SparkplugEdgeNode;
  discovery?: HomeAssistantDiscovery;
}

const DISABLED: UplinkStatus = { state: 'disabled', published: 0, broker: '' };

/** `mqtt.url` is the simple JSON uplink named `default`; `uplinks` adds more. */
export function uplinkConfigs(config: Readonly<Config>): UplinkConfig[] {
  const { url, homeAssistant, ...security } = config.mqtt;
  const simple: UplinkConfig[] = url
    ? [{ name: 'default', mode: 'json', url, ...security, downlink: true, sparkplug: { groupId: 'outpost', dataQos: 1 }, homeAssistant }]
    : [];
  return [...simple, ...config.uplinks];
}

/**
 * Every configured uplink, each reading the outbox through its own cursor. One that cannot be built (a
 * plain-text URL to a remote broker, an unreadable CA file) is logged with its code and left out; the
 * others run, and the outbox keeps every row for it.
 */
export class Uplinks {
  private running: Running[] = [];
  private readonly failed = new Map<string, UplinkStatus>();

  constructor(private readonly deps: UplinksDeps) {}

  async start(): Promise<void> {
    if (this.running.length > 0) return;
    const configs = uplinkConfigs(this.deps.config);
    if (configs.length === 0) this.deps.log.info('uplink disabled: no broker configured; the outbox keeps every row until one is');
    const shared = new SharedOutbox(this.deps.outbox);
    const views = new Map(configs.map((c) => [c.name, shared.view(c.name)]));
    for (const config of configs) {
      try {
        const running = this.build(config, views.get(config.name) ?? shared.view(config.name));
        await running.service.start();
        this.running.push(running);
      } catch (err) {
        const code = err instanceof OutpostError ? err.code : 'UPLINK_FAILED';
        this.deps.log.error({ uplink: config.name, code, err: (err as Error).message }, 'uplink not started; the outbox keeps its rows');
        this.failed.set(config.name, { ...DISABLED, lastError: (err as Error).message, lastErrorCode: code });
      }
    }
  }

  notify(): void {
    for (const r of this.running) {
      r.service.notify();
      r.discovery?.notify();
    }
  }

  rebirth(): void {
    for (const r of this.running) {
      r.service.rebirth();
      r.discovery?.sync();
    }
  }

  /** The first uplink's status at the top (the simple case reads as before), every uplink under `uplinks`. */
  status(): UplinkStatus & { uplinks: Record<string, UplinkStatus> } {
    const all: Record<string, UplinkStatus> = Object.fromEntries(this.failed);
    for (const r of this.running) all[r.name] = r.service.status();
    const first = Object.values(all)[0] ?? DISABLED;
    return { ...first, uplinks: all };
  }

  async stop(): Promise<void> {
    for (const r of this.running.splice(0).reverse()) {
      await r.service.stop();
    }
  }

  private build(config: UplinkConfig, outbox: ReturnType<SharedOutbox['view']>): Running {
    const { nodeId, log, version } = this.deps;
    const clientOptions = brokerClientOptions(config.url, config);
    // Every failover broker passes the same plain-text check as the first.
    for (const url of config.failoverUrls) brokerClientOptions(url, config);
    const uplinkLog = log.child({ uplink: config.name });
    const attach: ((client: MqttClient) => void)[] = [];
    if (config.downlink) {
      const router = new DownlinkRouter({ nodeId, log: uplinkLog, handlers: { ...this.deps.downlink, rebirth: () => this.rebirth() } });
      attach.push((client) => attachDownlink(client, router, uplinkLog));
    }
    if (config.mode === 'sparkplug') {
      if (config.failoverUrls.length > 0) {
        // A Sparkplug session's bdSeq and births belong to one broker; moving them is not built.
        throw new OutpostError('UPLINK_FAILOVER_UNSUPPORTED', `uplink ${config.name}: failoverUrls work in json mode only`, { uplink: config.name });
      }
      const edgeNodeId = config.sparkplug.edgeNodeId ?? nodeId;
      const service = new SparkplugEdgeNode({
        url: config.url,
        groupId: config.sparkplug.groupId,
        edgeNodeId,
        ...(config.sparkplug.primaryHostId ? { primaryHostId: config.sparkplug.primaryHostId } : {}),
        dataQos: config.sparkplug.dataQos,
        outbox,
        log: uplinkLog,
        version,
        bdSeq: new BdSeqFile(join(this.deps.dataDir, `sparkplug-${config.name}.bdseq`)),
        devices: () => this.deps.devices() ?? [],
        write: (command) => this.deps.downlink.command(command),
        clientOptions,
        attach,
      });
      return { name: config.name, service };
    }
    const jsonVersion = config.jsonVersion ?? (config.homeAssistant.enabled ? 1 : 2);
    if (jsonVersion === 2 && config.homeAssistant.enabled) {
      throw new OutpostError('UPLINK_HA_NEEDS_V1', `uplink ${config.name}: Home Assistant sensors read JSON v1 topics; set jsonVersion 1 or leave it out`, { uplink: config.name });
    }
    const discovery = config.homeAssistant.enabled
      ? new HomeAssistantDiscovery({
          nodeId,
          prefix: config.homeAssistant.prefix,
          version,
          log: uplinkLog,
          statePath: join(this.deps.dataDir, `home-assistant-${config.name}.json`),
          devices: this.deps.devices,
          streams: this.deps.streams,
        })
      : undefined;
    if (discovery) attach.push(discovery.attach);
    const combine = jsonVersion === 2 ? { combine: compactSummaryMessages } : {};
    const service = new MqttUplink({ url: config.url, failoverUrls: config.failoverUrls, nodeId, outbox, log: uplinkLog, version, clientOptions, attach, ...combine });
    return { name: config.name, service, ...(discovery ? { discovery } : {}) };
  }
}
