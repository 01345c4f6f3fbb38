/** What the agent asks of a new release before committing it. */
export interface ProbeResult {
  healthy: boolean;
  /** Why not, in words for the update history. */
  problem?: string;
}

interface HealthBody {
  ready?: boolean;
  services?: Record<string, { state?: string; version?: string }>;
}

/**
 * Healthy means: `/api/health` answers 200 and ready (every service started, the database open), it is
 * the version on trial answering (not the old one a guard already brought back), and the uplink is
 * connected if a broker is configured. The detector is not required: it reports `degraded` on a box
 * without a model or while it learns, which says nothing about the release.
 */
export async function probeHealth(url: string, version: string, timeoutMs = 2000): Promise<ProbeResult> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    return { healthy: false, problem: `no answer from ${url}: ${describe(error)}` };
  }
  let body: HealthBody;
  try {
    body = (await response.json()) as HealthBody;
  } catch {
    return { healthy: false, problem: `${url} answered ${response.status} without JSON` };
  }
  const running = body.services?.release?.version;
  if (running !== version) return { healthy: false, problem: `${url} is served by version ${running ?? 'unknown'}, not ${version}` };
  if (response.status !== 200 || body.ready !== true) {
    const failing = Object.entries(body.services ?? {})
      .filter(([, s]) => !['ok', 'connected', 'disabled', 'running'].includes(s.state ?? ''))
      .map(([name, s]) => `${name} ${s.state ?? '?'}`);
    return { healthy: false, problem: `health ${response.status}, not ready${failing.length ? `: ${failing.join(', ')}` : ''}` };
  }
  const uplink = body.services?.uplink?.state;
  if (uplink !== undefined && uplink !== 'connected' && uplink !== 'disabled') return { healthy: false, problem: `uplink ${uplink}` };
  return { healthy: true };
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).message ?? String(error);
}
