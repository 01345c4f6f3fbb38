import { mkdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pointLinkAtomic } from '../durable-fs.js';

export type Slot = 'a' | 'b';

/**
 * The release root: `releases/a` and `releases/b`, `current` (what the service starts) and `committed`
 * (the last release that proved healthy, where the guard runs from). Links are relative, so the root can
 * be moved or mounted elsewhere. Standard library only: the guard uses it.
 */
export class ReleaseSlots {
  constructor(readonly root: string) {}

  dir(slot: Slot): string {
    return join(this.root, 'releases', slot);
  }

  current(): Slot | undefined {
    return this.readLink('current');
  }

  committed(): Slot | undefined {
    return this.readLink('committed');
  }

  /** The slot an update may overwrite: never the one `current` or `committed` points at. */
  inactive(): Slot {
    return this.current() === 'b' ? 'a' : 'b';
  }

  point(link: 'current' | 'committed', slot: Slot): void {
    mkdirSync(this.root, { recursive: true });
    pointLinkAtomic(join(this.root, link), join('releases', slot));
  }

  /** The version in the slot's package.json, or undefined for an empty or half-written slot. */
  version(slot: Slot): string | undefined {
    try {
      const pkg = JSON.parse(readFileSync(join(this.dir(slot), 'package.json'), 'utf8')) as { version?: unknown };
      return typeof pkg.version === 'string' ? pkg.version : undefined;
    } catch {
      return undefined;
    }
  }

  private readLink(link: string): Slot | undefined {
    try {
      const target = readlinkSync(join(this.root, link));
      const slot = target.slice(target.lastIndexOf('/') + 1);
      return slot === 'a' || slot === 'b' ? slot : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The release root a module runs from (`<root>/releases/<slot>/...`), or undefined in a checkout. */
export function installedRoot(moduleUrl: string): string | undefined {
  const match = /^(.*)\/releases\/[ab]\//.exec(realpathSync(fileURLToPath(moduleUrl)));
  return match?.[1];
}
