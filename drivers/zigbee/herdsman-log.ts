import type { setLogger } from 'zigbee-herdsman';
import type { Logger } from '../../appliance/log.js';

/**
 * Routes zigbee-herdsman's log into ours. Herdsman keeps one process-wide logger, so the last driver to
 * start wins; its debug chatter (every frame) stays at our debug level.
 */
export function routeHerdsmanLog(log: Logger, setHerdsmanLogger: typeof setLogger): void {
  const text = (m: string | (() => string)): string => (typeof m === 'function' ? m() : m);
  setHerdsmanLogger({
    debug: (m, ns) => {
      if (log.isLevelEnabled('debug')) log.debug({ ns }, text(m));
    },
    info: (m, ns) => log.info({ ns }, text(m)),
    warning: (m, ns) => log.warn({ ns }, text(m)),
    error: (m, ns) => log.error({ ns }, m),
  });
}
