import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Every module the guard loads, following relative imports, with the bare specifiers each one uses. */
function closure(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const specifiers = [...readFileSync(file, 'utf8').matchAll(/^import\s[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
  seen.set(file, specifiers.filter((s) => !s.startsWith('.')));
  for (const s of specifiers.filter((s) => s.startsWith('.'))) closure(join(dirname(file), s.replace(/\.js$/, '.ts')), seen);
  return seen;
}

describe('update guard', () => {
  it('loads nothing but Node built-ins, so a release with broken dependencies cannot break the rollback', () => {
    const modules = closure(join(HERE, 'guard.ts'));
    expect([...modules.keys()].map((f) => relative(HERE, f)).sort()).toEqual(['../durable-fs.ts', 'guard.ts', 'release-slots.ts', 'update-state.ts']);
    for (const [file, bare] of modules) {
      expect(bare.filter((s) => !s.startsWith('node:')), file).toEqual([]);
    }
  });
});
