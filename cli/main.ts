// The `loa` command. Every subcommand has --help; configuration comes from LOA_* variables
// (and a .env file in the working directory), documented in README.md and .env.example.
import os from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { run } from './runtime.js';

// Each command loads only what it needs: on a loudspeaker cluster `loa agent` must not pay for
// the controller, the broker and the database (memory is the agent's tightest budget).
const serve = () => import('./serve.js');
const admin = () => import('./admin.js');
const ROLES = ['province_admin', 'district_staff', 'commune_operator', 'commune_approver', 'viewer'] as const;
type Role = (typeof ROLES)[number];

const program = new Command('loa')
  .description('Loa — control plane for smart commune radio stations (Circular 39/2020/TT-BTTTT).\nConfiguration: LOA_* environment variables, see README.md and .env.example.')
  .showHelpAfterError();

program.command('start').description('run the broker and the controller in one process (what `npm start` runs)').action(() => run(async () => (await serve()).startAll()));
program.command('broker').description('run the MQTT broker alone; it checks credentials with the controller at LOA_CONTROLLER_URL').action(() => run(async () => (await serve()).startBroker()));
program.command('controller').description('run the controller alone; it connects to the broker at LOA_MQTT_URL').action(() => run(async () => (await serve()).startController()));
program
  .command('agent')
  .description('run the agent of one loudspeaker cluster')
  .requiredOption('--config <file>', 'agent config file (JSON), e.g. from `loa device add --json`')
  .action((options: { config: string }) =>
    run(async () => {
      const { runAgent } = await import('../agent/main.js');
      process.exit(await runAgent(options.config));
    }),
  );

program
  .command('simulate')
  .description('run a fleet of real agents (null player, no sound) against a running Loa, for load tests; see docs/bench.md')
  .requiredOption('--credentials <file>', 'JSON lines from `loa device add-bulk --out`')
  .option('--agents <n>', 'how many agents (default: every credential in the file)')
  .option('--processes <n>', 'worker processes to spread the agents over', String(Math.max(1, Math.min(8, os.availableParallelism()))))
  .option('--heartbeat-s <seconds>', 'heartbeat interval per agent (fractions allowed, e.g. 0.5)', '30')
  .option('--jitter', 'random first beat and ±10% on every interval')
  .option('--disconnect-rate <share>', 'share of agents that lose their link per minute, e.g. 0.01', '0')
  .option('--slow-link-ms <ms>', 'latency added to each direction of every connection', '0')
  .option('--source-addresses <range>', 'loopback source addresses to bind sockets to, e.g. 127.0.0.2-127.0.0.40', '127.0.0.1')
  .option('--broker <url>', 'broker URL (default: the brokerUrl in each agent config)')
  .option('--controller <url>', 'controller URL for media downloads (default: from the agent configs)')
  .option('--ramp <perS>', 'agents started per second', '200')
  .option('--playback', 'run the playback module too (manifests, media downloads, simulated playing)')
  .option('--summary-s <seconds>', 'print a summary this often', '5')
  .action((options) => run(async () => (await import('./simulate.js')).simulate(options)));

const device = program.command('device').description('provision and list loudspeaker clusters');
device
  .command('add')
  .description('provision a cluster in a commune; prints its id and secret once')
  .requiredOption('--commune <code>', 'GSO code of the commune (5 digits), e.g. 01858')
  .option('--name <name>', 'cluster name, unique within the station (default: "Cụm loa NN")')
  .option('--lat <degrees>', 'latitude')
  .option('--lon <degrees>', 'longitude')
  .option('--json', 'print {"deviceId", "secret", "agentConfig"} as JSON (save agentConfig as the agent config file)')
  .action((options) => run(async () => (await admin()).deviceAdd(options)));
device
  .command('add-bulk')
  .description('provision many clusters at once, spread over communes; writes {"deviceId", "secret", "agentConfig"} per line to --out (mode 0600)')
  .option('--commune <codes>', 'comma-separated commune codes (default: every commune with a station)')
  .requiredOption('--count <n>', 'how many clusters', (v) => {
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new InvalidArgumentError('a whole number of at least 1');
    return v;
  })
  .requiredOption('--out <file>', 'where to write the ids and secrets (JSON lines; the only copy of the secrets)')
  .option('--batch <n>', 'rows per database transaction (default 500)')
  .action((options) => run(async () => (await admin()).deviceAddBulk(options)));
device
  .command('list')
  .description('list clusters with their online state')
  .option('--commune <code>', 'only this area (commune, district or province code)')
  .option('--json', 'print JSON')
  .action((options) => run(async () => (await admin()).deviceList(options)));
device
  .command('rotate-secret')
  .description('issue a new secret for a cluster (the old one stops working)')
  .argument('<id>', 'device id')
  .option('--json', 'print {"deviceId", "secret", "agentConfig"} as JSON')
  .action((id: string, options) => run(async () => (await admin()).deviceRotateSecret(id, options)));

const user = program.command('user').description('manage staff accounts');
user
  .command('add')
  .description('create an account; the password is generated and printed once (or read from LOA_NEW_USER_PASSWORD)')
  .requiredOption('--username <name>', 'login name')
  .addOption(
    new Option('--role <role>', 'role').choices([...ROLES]).makeOptionMandatory(),
  )
  .requiredOption('--scope <code>', 'administrative unit the account works in (province, district or commune code)', (v) => {
    if (!/^\d{2,5}$/.test(v)) throw new InvalidArgumentError('a GSO code of 2, 3 or 5 digits');
    return v;
  })
  .option('--display-name <name>', 'name shown in the console')
  .action((options: { username: string; role: Role; scope: string; displayName?: string }) => run(async () => (await admin()).userAdd(options)));

program.command('migrate').description('apply database migrations (also done at every start)').action(() => run(async () => (await admin()).migrateCommand()));
program.command('seed').description('load the Bắc Kạn registry (idempotent; never overwrites edited stations)').action(() => run(async () => (await admin()).seedCommand()));

await program.parseAsync(process.argv);
