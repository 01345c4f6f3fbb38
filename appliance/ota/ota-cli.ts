import { OutpostError } from '../../drivers/types.js';
import { createLogger } from '../log.js';
import { packageVersion } from '../version.js';
import { createBundle } from './bundle-create.js';
import { readBundle } from './bundle-read.js';
import { generateKeys, loadPrivateKey, loadPublicKey } from './keys.js';
import { runningTarget } from './manifest.js';
import type { OtaCommand } from './ota-cli-args.js';
import { CommandServiceControl } from './service-control.js';
import { UpdateAgent } from './update-agent.js';
import { readState, writeState } from './update-state.js';

/** sysexits' EX_DATAERR: the bundle (or key) given is bad; retrying the same command will not help. */
export const EXIT_REFUSED = 65;

type Out = (line: string) => void;

/** Runs `outpost keys|bundle|update ...` and returns the exit code; refusals print their code and reason. */
export async function runOtaCommand(command: OtaCommand, out: Out = (line) => void process.stdout.write(`${line}\n`)): Promise<number> {
  try {
    await dispatch(command, out);
    return 0;
  } catch (error) {
    process.stderr.write(`outpost: ${describeRefusal(error)}\n`);
    return error instanceof OutpostError ? EXIT_REFUSED : 1;
  }
}

async function dispatch(command: OtaCommand, out: Out): Promise<void> {
  switch (command.command) {
    case 'keys generate': {
      const paths = generateKeys(command.out);
      out(`private key ${paths.privateKey} (keep it off the boxes)`);
      out(`public key  ${paths.publicKey} (install as /var/lib/outpost/keys/outpost-update.pub)`);
      return;
    }
    case 'bundle create': {
      const { key, out: file, from, ...rest } = command;
      const manifest = createBundle({ from, out: file, key: loadPrivateKey(key), ...rest });
      const bytes = manifest.files.reduce((n, f) => n + f.size, 0);
      out(`${file}: outpost ${manifest.version} for ${manifest.compatible} (from ${manifest.minVersion}), ${manifest.files.length} files, ${bytes} bytes, ${manifest.models.length} models`);
      return;
    }
    case 'bundle verify': {
      const manifest = await readBundle(command.file, {
        publicKey: loadPublicKey(command.pubkey),
        target: runningTarget(),
        runningVersion: command.runningVersion ?? packageVersion(),
      });
      out(`${command.file}: good, outpost ${manifest.version} for ${manifest.compatible}, ${manifest.files.length} files`);
      return;
    }
    case 'update status':
      out(JSON.stringify(readState(command.root), null, 1));
      return;
    case 'update forget': {
      const state = readState(command.root);
      if (!state.refused.includes(command.version)) throw new OutpostError('OTA_NOT_REFUSED', `${command.version} is not refused on this box`);
      writeState(command.root, { ...state, refused: state.refused.filter((v) => v !== command.version) });
      out(`${command.version} will be accepted again`);
      return;
    }
    case 'update apply':
    case 'update resume': {
      const agent = new UpdateAgent({
        root: command.root,
        dataDir: command.data,
        publicKey: loadPublicKey(command.pubkey),
        target: runningTarget(),
        service: new CommandServiceControl(command.serviceCtl),
        healthUrl: command.healthUrl,
        deadlineMs: command.deadlineSeconds * 1000,
        log: createLogger(),
      });
      const record = command.command === 'update apply' ? await agent.apply(command.bundle) : await agent.resume();
      out(record ? JSON.stringify(record) : 'no update in progress');
      if (record && record.outcome !== 'committed') throw new OutpostError(record.code ?? 'OTA_ROLLED_BACK', record.reason ?? record.outcome);
    }
  }
}

/** A refusal the way an operator needs it: the code, then what and why. */
function describeRefusal(error: unknown): string {
  return error instanceof OutpostError ? `${error.code}: ${error.message}` : String(error);
}
