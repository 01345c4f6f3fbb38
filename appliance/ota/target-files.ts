import { closeSync, openSync, readSync } from 'node:fs';
import { OutpostError } from '../../drivers/types.js';

/** ELF `e_machine` per Node `process.arch`. */
const ELF_MACHINE: Record<string, number> = { x64: 62, arm64: 183, arm: 40, ia32: 3 };

/** `linux-arm64-node20` → its platform and arch. */
function parseTarget(target: string): { platform: string; arch: string } {
  const match = /^([a-z0-9]+)-([a-z0-9]+)-node\d+$/.exec(target);
  if (!match) throw new OutpostError('OTA_FORMAT', `target "${target}" is not <platform>-<arch>-node<major>`);
  return { platform: match[1] ?? '', arch: match[2] ?? '' };
}

/**
 * Whether a release file belongs in a bundle for `target`. Packages ship native binaries for many
 * platforms side by side (`prebuilds/linux-arm64/`, `bin/napi-v6/linux/x64/`); a box needs only its own,
 * and never the compiler's intermediates (`obj.target/`).
 */
export function keepForTarget(path: string, target: string): boolean {
  const { platform, arch } = parseTarget(target);
  const parts = path.split('/');
  if (parts.includes('obj.target') || parts.includes('.deps')) return false;
  for (let i = 0; i < parts.length - 1; i++) {
    const [part, next] = [parts[i], parts[i + 1] ?? ''];
    if (part === 'prebuilds' && i + 2 < parts.length) {
      const [p, archs = ''] = next.split('-');
      if (p !== platform || !archs.split('+').includes(arch)) return false;
    }
    if (/^napi-v\d+$/.test(part ?? '') && i + 2 < parts.length) {
      if (next !== platform || parts[i + 2] !== arch) return false;
    }
  }
  return true;
}

/**
 * Refuses a native module or shared library built for another machine than the target's: a bundle
 * made on an x64 build host with its x64 `better_sqlite3.node` must not reach an arm64 box.
 */
export function checkNativeArch(path: string, absolute: string, target: string): void {
  if (!/\.(node|so(\.\d+)*)$/.test(path)) return;
  const { arch } = parseTarget(target);
  const header = Buffer.alloc(20);
  const fd = openSync(absolute, 'r');
  try {
    readSync(fd, header, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  if (header.readUInt32BE(0) !== 0x7f454c46) return;
  const machine = header[5] === 2 ? header.readUInt16BE(18) : header.readUInt16LE(18);
  if (machine !== ELF_MACHINE[arch]) {
    const built = Object.entries(ELF_MACHINE).find(([, m]) => m === machine)?.[0] ?? `ELF machine ${machine}`;
    throw new OutpostError('OTA_INCOMPATIBLE', `${path} is built for ${built}, the bundle targets ${target}: build it for ${arch}`, { file: path });
  }
}
