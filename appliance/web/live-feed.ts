import { EventEmitter } from 'node:events';
import type { TickEvent } from '../ingest/tick-loop.js';

/**
 * Where the tick loop's output meets the browsers listening over SSE. The web app exists before the
 * tick loop, so the composition root forwards each tick here rather than the web reaching for the loop.
 */
export class LiveFeed extends EventEmitter<{ tick: [TickEvent] }> {
  constructor() {
    super();
    // One listener per open page; a busy site may have a few dozen.
    this.setMaxListeners(200);
  }

  publish(event: TickEvent): void {
    this.emit('tick', event);
  }
}
