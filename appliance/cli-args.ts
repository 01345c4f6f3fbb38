import { parseArgs } from 'node:util';
import { OutpostError } from '../drivers/types.js';
import type { ConfigOverrides } from './config/load.js';
import { OTA_COMMANDS, OTA_USAGE, parseOtaCli, type OtaCommand } from './ota/ota-cli-args.js';

export type CliCommand =
  | { command: 'run'; configPath?: string; overrides: ConfigOverrides }
  | { command: 'emulate'; scenario: 'factory' | 'city'; host: string; port: number; scale: number; writeConfig?: string }
  | { command: 'detect'; model?: string }
  | { command: 'help' }
  | { command: 'version' }
  | OtaCommand;

export const USAGE = `Usage:
  outpost run [--config FILE] [--data DIR] [--scenario factory|city|none] [--scale N] [--http HOST:PORT]
              [--mqtt URL] [--window SECONDS] [--node-id ID]
  outpost emulate --scenario factory|city [--host HOST] [--port PORT] [--scale N] [--write-config FILE]
  outpost detect [--model NAME] < in.csv > out.csv   (timestamp,value → timestamp,value,anomaly_score)
${OTA_USAGE}
  outpost help | version`;

const SCENARIOS = ['factory', 'city', 'none'] as const;

export function parseCli(argv: readonly string[]): CliCommand {
  const [command = 'help', ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') return { command: 'help' };
  if (command === 'version' || command === '--version') return { command: 'version' };
  if (OTA_COMMANDS.includes(command)) return parseOtaCli(command, rest, usage);
  const { values } = parseArgs({
    args: [...rest],
    strict: true,
    options: {
      config: { type: 'string' },
      data: { type: 'string' },
      scenario: { type: 'string' },
      http: { type: 'string' },
      mqtt: { type: 'string' },
      window: { type: 'string' },
      'node-id': { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      scale: { type: 'string' },
      'write-config': { type: 'string' },
      model: { type: 'string' },
    },
  });
  if (command === 'detect') return { command: 'detect', ...(values.model ? { model: values.model } : {}) };
  const scenario = values.scenario === undefined ? undefined : oneOf('--scenario', values.scenario, SCENARIOS);
  if (command === 'emulate') {
    if (scenario === undefined || scenario === 'none') throw usage('emulate needs --scenario factory or --scenario city');
    return {
      command: 'emulate',
      scenario,
      host: values.host ?? '127.0.0.1',
      port: integer('--port', values.port ?? '5020'),
      scale: integer('--scale', values.scale ?? '1'),
      ...(values['write-config'] ? { writeConfig: values['write-config'] } : {}),
    };
  }
  if (command !== 'run') throw usage(`unknown command "${command}"`);
  const http = values.http === undefined ? undefined : hostPort(values.http);
  const windowSeconds = values.window === undefined ? undefined : positive('--window', values.window);
  const scenarioScale = values.scale === undefined ? undefined : atLeastOne('--scale', values.scale);
  return {
    command: 'run',
    ...(values.config ? { configPath: values.config } : {}),
    overrides: {
      dataDir: values.data,
      scenario,
      scenarioScale,
      nodeId: values['node-id'],
      ...(http ? { http } : {}),
      ...(values.mqtt ? { mqtt: { url: values.mqtt } } : {}),
      ...(windowSeconds ? { pipeline: { windowSeconds } } : {}),
    },
  };
}

function usage(message: string): OutpostError {
  return new OutpostError('CLI_USAGE', `${message}\n${USAGE}`);
}

function oneOf<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usage(`${flag} must be one of ${allowed.join(', ')}, not "${value}"`);
}

function integer(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw usage(`${flag} must be a non-negative integer, not "${value}"`);
  return n;
}

function atLeastOne(flag: string, value: string): number {
  const n = integer(flag, value);
  if (n < 1) throw usage(`${flag} must be at least 1, not "${value}"`);
  return n;
}

function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw usage(`${flag} must be a positive number, not "${value}"`);
  return n;
}

function hostPort(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value);
  if (!match) throw usage(`--http must be HOST:PORT, not "${value}"`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port: integer('--http port', match[3] ?? '') };
}
