export interface ServiceStatus {
  state: string;
  [detail: string]: unknown;
}

export interface HealthReport {
  ready: boolean;
  status: 'starting' | 'ok' | 'degraded' | 'stopping';
  uptimeSeconds: number;
  services: Record<string, ServiceStatus>;
}

const HEALTHY = new Set(['ok', 'connected', 'disabled', 'running']);

/**
 * Each service registers how to read its status; `/api/health` and the systemd watchdog read them all.
 * Ready means every service started, which is not the same as every device or the broker answering:
 * those show up as `degraded` with the service's own state.
 */
export class HealthRegistry {
  private readonly checks = new Map<string, () => ServiceStatus>();
  private phase: 'starting' | 'ready' | 'stopping' = 'starting';
  private readonly startedAt = Date.now();

  register(name: string, check: () => ServiceStatus): void {
    this.checks.set(name, check);
  }

  markReady(): void {
    this.phase = 'ready';
  }

  markStopping(): void {
    this.phase = 'stopping';
  }

  report(): HealthReport {
    const services: Record<string, ServiceStatus> = {};
    for (const [name, check] of this.checks) {
      try {
        services[name] = check();
      } catch (error) {
        services[name] = { state: 'error', error: String(error) };
      }
    }
    const ready = this.phase === 'ready';
    const allHealthy = Object.values(services).every((s) => HEALTHY.has(s.state));
    const status = this.phase === 'starting' ? 'starting' : this.phase === 'stopping' ? 'stopping' : allHealthy ? 'ok' : 'degraded';
    return { ready, status, uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000), services };
  }
}
