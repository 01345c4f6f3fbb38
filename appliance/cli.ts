#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { OutpostError } from '../drivers/types.js';
import { parseCli, USAGE, type CliCommand } from './cli-args.js';
import { loadConfigFile, parseConfig } from './config/load.js';
import { saveConfigAtomically } from './config/save.js';
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './log.js';
import { runOtaCommand } from './ota/ota-cli.js';
import { packageVersion } from './version.js';

/** sysexits' EX_CONFIG: the systemd unit does not restart on it, since a restart cannot fix a bad file. */
const EXIT_CONFIG = 78;

async function main(): Promise<void> {
  const log = createLogger();
  let command: CliCommand;
  try {
    command = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(64);
  }
  switch (command.command) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    case 'version':
      process.stdout.write(`${packageVersion()}\n`);
      return;
    case 'keys generate':
    case 'bundle create':
    case 'bundle verify':
    case 'update apply':
    case 'update resume':
    case 'update status':
    case 'update forget':
      process.exitCode = await runOtaCommand(command);
      return;
    case 'detect': {
      const { runDetectCli } = await import('./detect/detect-cli.js');
      await runDetectCli({ model: command.model, input: process.stdin, output: process.stdout });
      return;
    }
    case 'emulate': {
      const { startScenario } = await import('../drivers/sim/start-emulators.js');
      const scenario = await startScenario(command.scenario, { log, host: command.host, port: command.port, scale: command.scale });
      process.stdout.write(`${scenario.describe().join('\n')}\n`);
      if (command.writeConfig) {
        // A config for a separate `outpost run --config FILE` that polls these emulators over the wire.
        saveConfigAtomically(command.writeConfig, { modbus: { devices: scenario.modbusDevices }, zigbee: scenario.zigbee.config });
        process.stdout.write(`config for outpost run written to ${command.writeConfig}\n`);
      }
      untilSignal(log, () => scenario.stop());
      return;
    }
    case 'run': {
      const config = loadRunConfig(command, log);
      // Loaded here (like the emulators) so `version`, `bundle` and the update agent start without the whole appliance.
      const { Appliance } = await import('./main.js');
      const { ApplianceRunner } = await import('./appliance-runner.js');
      const { Sessions } = await import('./auth/sessions.js');
      const version = packageVersion();
      const sessions = new Sessions();
      const runner = new ApplianceRunner({
        load: () => readRunConfig(command),
        create: (current, restart) =>
          new Appliance({ config: current, log, version, requestRestart: restart, sessions, ...(command.configPath ? { configPath: command.configPath } : {}) }),
        exit: (code) => process.exit(code),
        log,
      });
      untilSignal(log, () => runner.stop());
      await runner.start(config);
    }
  }
}

/** The config file given, else `<data>/config.json` if there is one, else the defaults; flags override each. */
function readRunConfig(command: Extract<CliCommand, { command: 'run' }>): Config {
  if (command.configPath) return loadConfigFile(command.configPath, command.overrides);
  const inDataDir = join(command.overrides.dataDir ?? './var', 'config.json');
  if (existsSync(inDataDir)) return loadConfigFile(inDataDir, command.overrides);
  return parseConfig({}, 'defaults', command.overrides);
}

function loadRunConfig(command: Extract<CliCommand, { command: 'run' }>, log: Logger): Config {
  try {
    return readRunConfig(command);
  } catch (error) {
    const e = error as OutpostError;
    log.fatal({ code: e.code, problems: e.context?.problems }, e.message);
    process.stderr.write(`outpost: ${e.message}\n`);
    process.exit(EXIT_CONFIG);
  }
}

function untilSignal(log: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((error: unknown) => {
  const e = error as Partial<OutpostError>;
  process.stderr.write(`outpost: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`);
  process.exit(1);
});
