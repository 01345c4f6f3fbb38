import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** UEFI firmware for q35 (Debian's `ovmf`): the image boots through systemd-boot, as on a real x86 box. */
export const OVMF = '/usr/share/ovmf/OVMF.fd';

export interface BootedVm {
  /** The guest's port 8080, forwarded to this loopback port. */
  readonly httpPort: number;
  readonly serialLog: string;
  serial(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Boots a raw image under TCG (no KVM on these machines) with user networking. `snapshot=on` keeps the
 * image untouched, so the same build can be booted again; the serial console goes to `serialLog`.
 */
export async function bootImage(image: string, serialLog: string): Promise<BootedVm> {
  const httpPort = await freePort();
  const args = [
    '-machine', 'q35', '-accel', 'tcg', '-m', '1024', '-smp', '2',
    '-bios', OVMF,
    '-drive', `file=${image},format=raw,if=virtio,snapshot=on`,
    '-nic', `user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:${httpPort}-:8080`,
    '-display', 'none', '-serial', `file:${serialLog}`, '-no-reboot',
  ];
  const qemu: ChildProcess = spawn('qemu-system-x86_64', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  qemu.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(qemu, 'exit');
  return {
    httpPort,
    serialLog,
    serial: () => {
      if (qemu.exitCode !== null) throw new Error(`qemu exited (${qemu.exitCode}): ${stderr}`);
      return existsSync(serialLog) ? readFileSync(serialLog, 'latin1') : '';
    },
    async stop() {
      if (qemu.exitCode !== null || qemu.signalCode !== null) return;
      qemu.kill('SIGTERM');
      await exited;
    },
  };
}
