/** What the agent asks of a new release before committing it. */
export interface ProbeResult {
  healthy: boolean;
  /** Why not, in words for the update history. */
  problem?: string;
  /** Waiting will not help: the version on trial finished starting and is not healthy. */
  final?: boolean;
}

interface HealthBody {
  ready?: boolean;
  services?: Record<string, { state?: string; version?: string }>;
}

/**
 * Healthy means: `/api/health` answers 200 and ready (every service started, the database open), it is
 * the version on trial answering (not the old one a guard already brought back), the uplink is
 * connected if a broker is configured, and the detector is `ok` if detection is enabled (it is listed
 * only then). The detector is `ok` only once its model answered the manifest's sample with the expected
 * output in this process (`OnnxForecaster.create`): a release whose model or onnxruntime is broken
 * leaves it `degraded`, and is rolled back.
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
  const detect = body.services?.detect;
  // Detection loads its model once, before ready: a detector that is not ok by then stays so.
  if (detect !== undefined && detect.state !== 'ok') return { healthy: false, final: true, problem: `detector ${detect.state ?? '?'}: no model loaded that gives its sample's output` };
  return { healthy: true };
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error as Error).message ?? String(error);
}
