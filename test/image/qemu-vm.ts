import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { freePort } from '../support/free-port.js';

/** UEFI firmware for q35 (Debian's `ovmf`): the amd64 image boots through systemd-boot, as on a real x86 box. */
export const OVMF = '/usr/share/ovmf/OVMF.fd';
/** Debian's `u-boot-qemu` build for the `virt` board: the arm64 image's boot.scr runs in it, as on a Pi. */
export const UBOOT_QEMU_ARM64 = '/usr/lib/u-boot/qemu_arm64/u-boot.bin';

/**
 * The board: a q35 PC with UEFI (generic-amd64), QEMU's arm64 `virt` board with U-Boot as its firmware
 * (generic-arm64), or a Raspberry Pi 3 B (rpi-arm64), started at the Pi U-Boot and device tree the image
 * carries on its boot partition, as the Pi's GPU firmware would: the Pi's SD card, no virtioDevices.
 */
export type Board = { kind: 'amd64' } | { kind: 'arm64' } | { kind: 'raspi3b'; uboot: string; dtb: string };

export interface VmOptions {
  board: Board;
  image: string;
  /** A copy-on-write overlay of `image` that the guest writes instead, so the build stays untouched. */
  overlay: string;
  /** The overlay's size: larger than the image, so first boot has a data partition to grow. */
  diskMiB: number;
  serialLog: string;
  /** Raw disk images attached after the system disk (/dev/vdb, ...). */
  extraDrives?: string[];
  /** Where QEMU listens for the guest agent's channel (qemu-guest-agent in the guest). */
  guestAgentSocket?: string;
}

export interface BootedVm {
  /** The guest's port 8080 (the app), forwarded to this loopback port. */
  readonly httpPort: number;
  /** The guest's port 80 (redirected to 8080 in the guest, what http://outpost.local reaches). */
  readonly port80: number;
  readonly serialLog: string;
  serial(): string;
  stop(): Promise<void>;
}

function machineArgs(options: VmOptions, ports: { httpPort: number; port80: number }): { binary: string; args: string[] } {
  const { board } = options;
  const disk = (iface: string) => ['-drive', `file=${options.overlay},format=qcow2,if=${iface}`];
  if (board.kind === 'raspi3b') {
    // The board has its four cores and 1 GiB whatever is asked; its USB network is not emulated usefully.
    return { binary: 'qemu-system-aarch64', args: ['-machine', 'raspi3b', '-kernel', board.uboot, '-dtb', board.dtb, ...disk('sd')] };
  }
  // Memory, cores, disks, network and the guest agent's channel of the two virtual boards.
  const virtioDevices = [
    '-nic', `user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:${ports.httpPort}-:8080,hostfwd=tcp:127.0.0.1:${ports.port80}-:80`,
    '-m', '1024', '-smp', '2', ...disk('virtio'),
    ...(options.extraDrives ?? []).flatMap((drive) => ['-drive', `file=${drive},format=raw,if=virtio,snapshot=on`]),
    ...(options.guestAgentSocket
      ? ['-chardev', `socket,path=${options.guestAgentSocket},server=on,wait=off,id=qga0`,
        '-device', 'virtio-serial-pci', '-device', 'virtserialport,chardev=qga0,name=org.qemu.guest_agent.0']
      : []),
  ];
  if (board.kind === 'amd64') {
    // A reboot ends the amd64 run: nothing in its test reboots, so one means a crash worth failing on.
    return { binary: 'qemu-system-x86_64', args: ['-machine', 'q35', '-bios', OVMF, '-no-reboot', ...virtioDevices] };
  }
  return { binary: 'qemu-system-aarch64', args: ['-machine', 'virt', '-cpu', 'cortex-a72', '-bios', UBOOT_QEMU_ARM64, ...virtioDevices] };
}

/** Boots a raw image under TCG (no KVM on these machines) with user networking; the serial console goes to `serialLog`. */
export async function bootImage(options: VmOptions): Promise<BootedVm> {
  const httpPort = await freePort();
  const port80 = await freePort();
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'raw', '-b', options.image, options.overlay, `${options.diskMiB}M`]);
  const machine = machineArgs(options, { httpPort, port80 });
  // The Pi's console is its mini UART, QEMU's second serial port; the first (PL011) is unused.
  const serial = options.board.kind === 'raspi3b' ? ['-serial', 'null'] : [];
  const args = [...machine.args, '-accel', 'tcg', '-display', 'none', ...serial, '-serial', `file:${options.serialLog}`];
  const qemu: ChildProcess = spawn(machine.binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  qemu.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = once(qemu, 'exit');
  return {
    httpPort,
    port80,
    serialLog: options.serialLog,
    serial: () => {
      if (qemu.exitCode !== null) throw new Error(`qemu exited (${qemu.exitCode}): ${stderr}`);
      return existsSync(options.serialLog) ? readFileSync(options.serialLog, 'latin1') : '';
    },
    async stop() {
      if (qemu.exitCode !== null || qemu.signalCode !== null) return;
      qemu.kill('SIGTERM');
      await exited;
    },
  };
}

/** 200 from the guest's /api/health on `port`, or undefined while it does not answer yet. */
export async function healthy(port: number): Promise<true | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, { signal: AbortSignal.timeout(3000) });
    return res.status === 200 ? true : undefined;
  } catch {
    return undefined;
  }
}
