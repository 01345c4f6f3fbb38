/** The admin password the tests set at first boot and log in with afterwards. */
export const E2E_ADMIN_PASSWORD = 'E2e-Owner-Passw0rd';

/**
 * The cookie and CSRF header of an admin session on the box at `base`: a login when setup is done,
 * else first boot's setup with the code `setupCode` finds (in the log or the data folder).
 */
export async function adminHeaders(base: string, setupCode: () => Promise<string>, password = E2E_ADMIN_PASSWORD): Promise<Record<string, string>> {
  const post = async (path: string, payload: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
    const body = (await response.json()) as { csrf: string; defaults?: { nodeId: string } };
    return { headers: { cookie: (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '', 'x-csrf-token': body.csrf }, body };
  };
  const state = (await (await fetch(`${base}/api/session`)).json()) as { setupDone: boolean };
  if (state.setupDone) return (await post('/api/login', { password })).headers;
  const setup = await post('/api/setup/code', { code: await setupCode() });
  // The node name the box already has, so setup does not rename it under a running test.
  // The host's own zone: setup runs `timedatectl set-timezone`, which on a host where it works must change nothing.
  const site = { siteName: 'Test site', nodeName: setup.body.defaults?.nodeId ?? 'outpost', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone };
  return (await post('/api/setup', { password, ...site }, setup.headers)).headers;
}
