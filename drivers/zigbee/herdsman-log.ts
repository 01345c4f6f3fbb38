import type { Logger } from '../../appliance/log.js';

const UNPI_PARSER = 'zh:zstack:unpi:parser';
const ZNP = 'zh:zstack:znp';
/** What herdsman's ZNP layer logs (as an error) for a well-formed frame whose command it does not know. */
const UNKNOWN_COMMAND = 'Error while parsing to ZpiObject';

type Log = (message: string | (() => string), namespace: string) => void;

/**
 * Routes zigbee-herdsman's log into ours. Herdsman keeps one process-wide logger, so the last driver to
 * start wins; its debug chatter (every frame) stays at our debug level, except that a frame it dropped
 * (bad FCS, unknown command) is a fault the user should see, so it becomes a warning with a code rather
 * than a herdsman error. The converters take a logger of the same shape and get the same routing.
 */
export function routeHerdsmanLog(log: Logger, setHerdsmanLogger: (logger: { debug: Log; info: Log; warning: Log; error: Log }) => void): void {
  const text = (m: string | (() => string)): string => (typeof m === 'function' ? m() : m);
  setHerdsmanLogger({
    debug: (m, ns) => {
      if (ns === UNPI_PARSER && typeof m === 'string' && m.startsWith('--> error')) {
        log.warn({ ns, code: 'ZIGBEE_FRAME_DROPPED' }, `coordinator frame dropped: ${m.slice(10)}`);
      } else if (log.isLevelEnabled('debug')) {
        log.debug({ ns }, text(m));
      }
    },
    info: (m, ns) => log.info({ ns }, text(m)),
    warning: (m, ns) => log.warn({ ns }, text(m)),
    error: (m, ns) => {
      const message = text(m);
      if (ns === ZNP && message.startsWith(UNKNOWN_COMMAND)) log.warn({ ns, code: 'ZIGBEE_FRAME_DROPPED' }, `coordinator frame dropped: ${message}`);
      else log.error({ ns, code: 'ZIGBEE_HERDSMAN_ERROR' }, message);
    },
  });
}
