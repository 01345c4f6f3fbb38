import { parseArgs } from 'node:util';
import { OutpostError } from '../../drivers/types.js';
import { PUBKEY_FILE } from './keys.js';

export type OtaCommand =
  | { command: 'keys generate'; out: string }
  | { command: 'bundle create'; key: string; out: string; from: string; version?: string; compatible?: string; minVersion?: string }
  | { command: 'bundle verify'; pubkey: string; file: string; runningVersion?: string }
  | ({ command: 'update apply'; bundle: string } & AgentArgs)
  | ({ command: 'update resume' } & AgentArgs)
  | { command: 'update status'; root: string }
  | { command: 'update forget'; root: string; version: string };

export interface AgentArgs {
  root: string;
  data: string;
  pubkey: string;
  healthUrl: string;
  /** argv with `%s` where start, stop or restart goes. */
  serviceCtl: string[];
  deadlineSeconds: number;
}

export const OTA_USAGE = `  outpost keys generate --out DIR
  outpost bundle create --key KEY --out FILE [--tree DIR] [--version V] [--compatible linux-ARCH-nodeN]
                        [--min-version V]   (DIR: image/lib/target-tree.sh ARCH DIR made it for the target)
  outpost bundle verify --pubkey PUB [--running-version V] FILE
  outpost update forget VERSION [--root /opt/outpost]   (accept a version that failed before)
  outpost update apply --bundle FILE | update resume | update status
                        [--root /opt/outpost] [--data /var/lib/outpost] [--pubkey PUB] [--deadline SECONDS]
                        [--health-url URL] [--service-ctl "systemctl %s outpost.service"]`;

export const OTA_COMMANDS = ['keys', 'bundle', 'update'];

/** `outpost keys|bundle|update SUB ...`; `usage` builds the error the main parser throws. */
export function parseOtaCli(group: string, argv: readonly string[], usage: (message: string) => OutpostError): OtaCommand {
  const [sub = '', ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: [...rest],
    strict: true,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      key: { type: 'string' },
      tree: { type: 'string' },
      version: { type: 'string' },
      compatible: { type: 'string' },
      'min-version': { type: 'string' },
      pubkey: { type: 'string' },
      'running-version': { type: 'string' },
      bundle: { type: 'string' },
      root: { type: 'string' },
      data: { type: 'string' },
      'health-url': { type: 'string' },
      'service-ctl': { type: 'string' },
      deadline: { type: 'string' },
    },
  });
  const need = (flag: keyof typeof values): string => {
    const value = values[flag];
    if (typeof value !== 'string' || value === '') throw usage(`${group} ${sub} needs --${flag}`);
    return value;
  };
  const optional = <K extends string>(name: K, value: string | undefined) => (value === undefined ? {} : ({ [name]: value } as Record<K, string>));
  switch (`${group} ${sub}`) {
    case 'keys generate':
      return { command: 'keys generate', out: need('out') };
    case 'bundle create':
      return {
        command: 'bundle create',
        key: need('key'),
        out: need('out'),
        from: values.tree ?? '.',
        ...optional('version', values.version),
        ...optional('compatible', values.compatible),
        ...optional('minVersion', values['min-version']),
      };
    case 'bundle verify': {
      const [file, ...extra] = positionals;
      if (file === undefined || extra.length > 0) throw usage('bundle verify needs exactly one FILE');
      return { command: 'bundle verify', pubkey: need('pubkey'), file, ...optional('runningVersion', values['running-version']) };
    }
    case 'update apply':
      return { command: 'update apply', bundle: need('bundle'), ...agentArgs(values, usage) };
    case 'update resume':
      return { command: 'update resume', ...agentArgs(values, usage) };
    case 'update status':
      return { command: 'update status', root: values.root ?? '/opt/outpost' };
    case 'update forget': {
      const [version, ...extra] = positionals;
      if (version === undefined || extra.length > 0) throw usage('update forget needs exactly one VERSION');
      return { command: 'update forget', root: values.root ?? '/opt/outpost', version };
    }
    default:
      throw usage(`unknown command "${group} ${sub}"`);
  }
}

function agentArgs(values: Record<string, string | boolean | undefined>, usage: (message: string) => OutpostError): AgentArgs {
  const str = (flag: string, fallback: string) => (typeof values[flag] === 'string' ? (values[flag] as string) : fallback);
  const data = str('data', '/var/lib/outpost');
  const deadlineSeconds = Number(str('deadline', '90'));
  if (!(deadlineSeconds > 0)) throw usage(`--deadline must be a positive number of seconds, not "${String(values.deadline)}"`);
  const serviceCtl = str('service-ctl', 'systemctl %s outpost.service').split(/\s+/).filter(Boolean);
  if (!serviceCtl.some((part) => part.includes('%s'))) throw usage('--service-ctl must contain %s where start, stop or restart goes');
  return {
    root: str('root', '/opt/outpost'),
    data,
    pubkey: str('pubkey', `${data}/keys/${PUBKEY_FILE}`),
    healthUrl: str('health-url', 'http://127.0.0.1:8080/api/health'),
    serviceCtl,
    deadlineSeconds,
  };
}
