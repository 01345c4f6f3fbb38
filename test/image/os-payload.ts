import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A root filesystem that cannot boot: the kernel and initramfs of `rootfs` (so U-Boot loads them and Linux
 * starts) and nothing else, so the initramfs finds no /sbin/init and the kernel reboots (panic=10). Read
 * out of the ext4 with debugfs: no loop mount.
 */
export function unbootableRootfs(rootfs: string, work: string): string {
  const tree = join(work, 'unbootable');
  mkdirSync(tree, { recursive: true });
  execFileSync('debugfs', ['-R', `rdump /boot ${tree}`, rootfs], { stdio: 'ignore' });
  const boot = readdirSync(join(tree, 'boot'));
  const kernel = boot.find((name) => name.startsWith('vmlinuz-'));
  const initrd = boot.find((name) => name.startsWith('initrd.img-'));
  if (!kernel || !initrd) throw new Error(`no kernel or initramfs in ${rootfs}`);
  symlinkSync(`boot/${kernel}`, join(tree, 'vmlinuz'));
  symlinkSync(`boot/${initrd}`, join(tree, 'initrd.img'));
  const file = join(work, 'unbootable.ext4');
  const mib = Math.ceil(sizeOf(join(tree, 'boot')) / 1048576) + 32;
  execFileSync('mkfs.ext4', ['-q', '-F', '-L', 'rootfs', '-d', tree, file, `${mib}M`]);
  return file;
}

/** A FAT disk holding `files`, for the guest to mount as /dev/vdb (mtools: no loop mount). */
export function fatDisk(files: string[], file: string): string {
  const kib = Math.ceil(files.reduce((sum, f) => sum + statSync(f).size, 0) / 1024) + 64 * 1024;
  execFileSync('mkfs.fat', ['-F', '32', '-n', 'BUNDLES', '-C', file, String(kib)], { stdio: 'ignore' });
  execFileSync('mcopy', ['-i', file, ...files, '::/']);
  return file;
}

function sizeOf(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);
}
