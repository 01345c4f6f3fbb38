import { TokenIngestDriver } from '../ip-common/token-ingest-driver.js';
import type { Driver } from '../types.js';

/**
 * Devices that POST readings to `/ingest/<name>` on the appliance's own HTTP port. The port belongs to the
 * web app, so this driver opens nothing: `httpIngestRoutes` hands each request to `ingest()`.
 */
export class HttpIngestDriver extends TokenIngestDriver {
  readonly protocol = 'http' as const;

  protected async listen(): Promise<void> {}

  protected async unlisten(): Promise<void> {}
}

export function findHttpIngest(drivers: readonly Driver[]): HttpIngestDriver | undefined {
  return drivers.find((d): d is HttpIngestDriver => d instanceof HttpIngestDriver);
}
