import type { Logger } from '../log.js';

/**
 * What the edge node believes about its primary host application, from `spBv1.0/STATE/<host>` messages
 * (Sparkplug 3.0: JSON `{"online": bool, "timestamp": ms}`). A STATE whose timestamp is older than the
 * last one seen is ignored, as the spec requires: a retained or delayed message from a host's earlier
 * session must not mark a host offline that has since come back (nor the reverse).
 */
export class PrimaryHostState {
  private lastTimestamp = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: { host: string; log: Logger }) {}

  /** Whether the host is online after this message, or undefined when the message is stale and changes nothing. */
  receive(payload: Buffer): boolean | undefined {
    let body: { online?: unknown; timestamp?: unknown } = {};
    try {
      body = JSON.parse(payload.toString('utf8')) as typeof body;
    } catch {
      this.deps.log.warn({ host: this.deps.host }, 'primary host STATE is not JSON; treating it as offline');
      return false;
    }
    const { timestamp } = body;
    if (typeof timestamp === 'number') {
      if (timestamp < this.lastTimestamp) {
        this.deps.log.info({ host: this.deps.host, timestamp, last: this.lastTimestamp }, 'ignored a primary host STATE older than the last one');
        return undefined;
      }
      this.lastTimestamp = timestamp;
    }
    return body?.online === true;
  }
}
