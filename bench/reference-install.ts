// The reference broker for broker-vs-mosquitto is Debian's `mosquitto`. When it is missing, the
// bench installs it with apt-get where this machine lets it do so without asking anyone (root,
// or sudo without a password), and says what it did; otherwise the scenario is skipped with the
// command to run. `--install=no` never installs.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mosquittoBinary } from './machine.js';

export interface InstallerHost {
  /** Effective user id (0 = root). */
  uid: number;
  hasAptGet: boolean;
  /** `sudo -n true` succeeds: sudo would not ask for a password. */
  sudoWithoutPassword: () => Promise<boolean>;
  /** Runs a command; resolves with its exit code and the tail of its output. */
  run: (argv: string[]) => Promise<{ code: number; output: string }>;
  log: (message: string) => void;
}

export type MosquittoFound = { binary: string; installed: boolean } | { binary: null; why: string };

const MANUAL = 'sudo apt-get install mosquitto';

export async function ensureMosquitto(host: InstallerHost, allowInstall: boolean, find: () => string | null = mosquittoBinary): Promise<MosquittoFound> {
  const present = find();
  if (present) return { binary: present, installed: false };
  if (!allowInstall) return { binary: null, why: `mosquitto is not installed (the reference broker) and --install=no: ${MANUAL}` };
  if (!host.hasAptGet) return { binary: null, why: `mosquitto is not installed (the reference broker) and this machine has no apt-get: install Mosquitto 2 and put it on PATH` };
  const prefix = host.uid === 0 ? [] : (await host.sudoWithoutPassword()) ? ['sudo', '-n'] : null;
  if (prefix === null) return { binary: null, why: `mosquitto is not installed (the reference broker); installing it needs root: ${MANUAL}` };
  const install = [...prefix, 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', 'install', '-y', '--no-install-recommends', 'mosquitto'];
  host.log(`broker-vs-mosquitto: mosquitto is missing; installing the reference broker: ${install.join(' ')}`);
  let result = await host.run(install);
  if (result.code !== 0) {
    // A fresh machine often has no package lists yet ("Unable to locate package").
    host.log('broker-vs-mosquitto: apt-get install failed; updating the package lists and trying again');
    const update = await host.run([...prefix, 'apt-get', 'update']);
    result = update.code === 0 ? await host.run(install) : update;
  }
  const binary = find();
  if (result.code !== 0 || !binary) {
    return { binary: null, why: `mosquitto is not installed and apt-get could not install it (exit ${result.code}): ${result.output.trim().split('\n').slice(-3).join(' | ')}` };
  }
  return { binary, installed: true };
}

/** This machine, for ensureMosquitto. */
export function localInstallerHost(log: (message: string) => void): InstallerHost {
  const run = (argv: string[]) =>
    new Promise<{ code: number; output: string }>((resolve) => {
      const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-4_000);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      child.on('error', (err) => resolve({ code: -1, output: err.message }));
      child.on('close', (code) => resolve({ code: code ?? -1, output }));
    });
  return {
    uid: process.getuid?.() ?? -1,
    hasAptGet: ['/usr/bin/apt-get', '/bin/apt-get'].some((p) => existsSync(p)),
    sudoWithoutPassword: async () => (await run(['sudo', '-n', 'true'])).code === 0,
    run,
    log,
  };
}
