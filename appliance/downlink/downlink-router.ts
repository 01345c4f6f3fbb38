import { OutpostError, type Command } from '../../drivers/types.js';
import type { Logger } from '../log.js';
import { topicSegment } from '../uplink/summary-message.js';
import { idOf, parseDownlink, type DownlinkOf, type DownlinkReply } from './downlink-messages.js';

/**
 * Where a package goes once validated: the detection issue's model loader and the OTA update agent
 * implement this; until they are wired in, `notAvailable` refuses with a clear reason.
 */
export interface PackageHandler<M> {
  /** Resolves with what happened (e.g. `staged; installs at 02:00`) or throws an OutpostError. */
  accept(message: M): Promise<string>;
}

export interface DownlinkHandlers {
  /** Validates and saves a config change; resolves with what happens next, throws CONFIG_INVALID. */
  config(message: DownlinkOf<'config'>): Promise<string>;
  command(command: Command): Promise<void>;
  rebirth(): void;
  model: PackageHandler<DownlinkOf<'model'>> & { rollback?(): Promise<string> };
  update: PackageHandler<DownlinkOf<'update'>>;
}

export function notAvailable<M>(what: string): PackageHandler<M> {
  return {
    accept: async () => {
      throw new OutpostError('DOWNLINK_NOT_AVAILABLE', `${what} cannot be installed by this release yet`);
    },
  };
}

/**
 * Turns downlink messages into calls on the appliance and every outcome into a reply. Nothing a remote
 * sends can throw out of `handle`: a malformed or refused message is logged and answered with its code.
 */
export class DownlinkRouter {
  constructor(private readonly deps: { nodeId: string; handlers: DownlinkHandlers; log: Logger }) {}

  /** `outpost/<node>/downlink/<kind>`. */
  get filter(): string {
    return `outpost/${topicSegment(this.deps.nodeId)}/downlink/+`;
  }

  /** Outside the filter, so an uplink never receives its own replies as requests. */
  get replyTopic(): string {
    return `outpost/${topicSegment(this.deps.nodeId)}/downlink-reply`;
  }

  async handle(topic: string, payload: Buffer): Promise<DownlinkReply> {
    const kind = topic.slice(this.filter.length - 1);
    try {
      const message = parseDownlink(kind, payload);
      const result = await this.dispatch(message);
      this.deps.log.info({ kind, id: message.id, result }, 'downlink message handled');
      return { v: 1, id: message.id, kind, ok: true, result };
    } catch (err) {
      const code = err instanceof OutpostError ? err.code : 'DOWNLINK_FAILED';
      const message = (err as Error).message;
      this.deps.log.warn({ kind, id: idOf(payload), code, err: message }, 'downlink message refused');
      return { v: 1, id: idOf(payload), kind, ok: false, error: { code, message } };
    }
  }

  private async dispatch(message: ReturnType<typeof parseDownlink>): Promise<string> {
    const { handlers } = this.deps;
    switch (message.kind) {
      case 'config':
        return handlers.config(message);
      case 'command':
        await handlers.command({ device: message.device, output: message.output, value: message.value });
        return 'written';
      case 'rebirth':
        handlers.rebirth();
        return 'rebirth sent';
      case 'model':
        return handlers.model.accept(message);
      case 'model-rollback':
        if (!handlers.model.rollback) throw new OutpostError('DOWNLINK_NOT_AVAILABLE', 'model rollback is not available in this release');
        return handlers.model.rollback();
      case 'update':
        return handlers.update.accept(message);
    }
  }
}
