import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log.js';
import type { NetworkManager } from './network-manager.js';
import { Ipv4Input, WifiInput } from './nmcli-commands.js';

/**
 * The box's network through NetworkManager: its state (also for the setup form) and, for the admin,
 * joining a Wi-Fi network and choosing DHCP or a static address. Each answers with the new state.
 */
export function networkRoutes(deps: { network: NetworkManager; log: Logger }) {
  return async (app: FastifyInstance): Promise<void> => {
    app.get('/api/network', async () => deps.network.status());

    app.post('/api/network/wifi', { schema: { body: WifiInput } }, async (request) => {
      const input = request.body as WifiInput;
      await deps.network.applyWifi(input);
      deps.log.info({ ssid: input.ssid }, 'wi-fi joined from the web page');
      return deps.network.status();
    });

    app.post('/api/network/ipv4', { schema: { body: Ipv4Input } }, async (request) => {
      const input = request.body as Ipv4Input;
      await deps.network.applyIpv4(input);
      deps.log.info({ device: input.device, method: input.method, address: input.address }, 'ipv4 settings applied from the web page');
      return deps.network.status();
    });
  };
}
