import { execFile } from 'node:child_process';

/** Runs a system tool by name (found on PATH) and resolves with its stdout; tests give their own. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<string>;

/**
 * No shell: arguments go to the tool as they are, so a Wi-Fi name with quotes or `;` is just a name.
 * A failure rejects with the tool's own first stderr line as the message (what the page shows), and
 * keeps `code` so ENOENT still says the tool is missing.
 */
export const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve, reject) =>
    execFile(file, args, { timeout: 15_000 }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      const said = String(stderr).trim().split('\n')[0];
      reject(Object.assign(new Error(said || error.message), { code: (error as NodeJS.ErrnoException).code }));
    }),
  );

export const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';
