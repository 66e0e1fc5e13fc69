// The `watchingcat` command line (DESIGN §9). Parsing only; each command calls into roles/.
import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config/issues.ts';
import { ROLES, type Role } from '../roles/defaults.ts';
import type { RoleFlags } from '../roles/flags.ts';
import { loadRoleConfig, toYaml } from '../roles/load.ts';
import { ROLE_SUMMARY, runRole } from '../roles/run.ts';
import { runKubestateRender, type RenderFlags } from '../roles/kubestate-render.ts';
import { runSim, type SimFlags } from '../roles/sim.ts';
import { VERSION } from '../version.ts';
import { EXIT } from './exit-codes.ts';

const program = new Command('watchingcat')
  .description('Kubernetes observability in one program: one agent, many signals.')
  .version(VERSION, '-v, --version', 'print the version')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
  .addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 failed while running, 2 bad usage or invalid configuration, 3 not available yet.
Every role runs without a configuration file; see \`watchingcat print-config <role>\`.`,
  );

interface FlagSet {
  nodeName?: boolean;
  rootPath?: boolean;
  otlpEndpoint?: boolean;
  backend?: boolean;
}

const ROLE_FLAGS: Record<Role, FlagSet> = {
  agent: { nodeName: true, rootPath: true, otlpEndpoint: true },
  cluster: { otlpEndpoint: true },
  backend: { backend: true },
  up: { backend: true, nodeName: true, rootPath: true },
};

function addRoleFlags(cmd: Command, role: Role, withConfig: boolean): Command {
  const f = ROLE_FLAGS[role];
  if (withConfig)
    cmd.option(
      '-c, --config <file>',
      'configuration file (OpenTelemetry Collector format); default: built-in',
    );
  cmd
    .option(
      '--data-dir <dir>',
      'export queues, checkpoints, embedded database (default ./data, /var/lib/watchingcat in a container)',
    )
    .option(
      '--metrics-address <host:port>',
      'Prometheus endpoints /metrics, /metrics/{kubestate,cadvisor,node} (default 0.0.0.0:9443)',
    )
    .option('--telemetry-address <host:port>', 'own metrics, watchingcat_* (default 0.0.0.0:8888)')
    .option('--health-address <host:port>', 'health check (default 0.0.0.0:13133)')
    .option(
      '--kubeconfig <file>',
      'Kubernetes credentials (default: in-cluster, $KUBECONFIG, ~/.kube/config)',
    )
    .option('--cluster-name <name>', 'k8s.cluster.name on everything')
    .option('--region <region>', 'cloud.region on everything the agent and cluster pass on')
    .option(
      '--environment <name>',
      'deployment.environment.name on everything the agent and cluster pass on',
    );
  if (f.nodeName)
    cmd.option(
      '--node-name <name>',
      'the node this agent serves (default $K8S_NODE_NAME, else the host name)',
    );
  if (f.rootPath)
    cmd.option('--root-path <dir>', 'host filesystem prefix for /proc, /sys, /var/log/pods (default /)');
  if (f.otlpEndpoint)
    cmd.option('--otlp-endpoint <url>', 'where OTLP goes (default $OTEL_EXPORTER_OTLP_ENDPOINT)');
  if (f.backend) {
    cmd
      .option('--clickhouse-url <url>', 'a ClickHouse server instead of the embedded engine')
      .option('--api-address <host:port>', 'REST API (default 0.0.0.0:8090)')
      .option('--ui-address <host:port>', 'web UI (default 0.0.0.0:3001)');
  }
  return cmd;
}

let exitCode: number = EXIT.OK;

for (const role of ROLES) {
  const cmd = program.command(role).description(`run the ${role} role: ${ROLE_SUMMARY[role]}`);
  addRoleFlags(cmd, role, true);
  if (role === 'up')
    cmd.option(
      '--demo',
      'also run a simulated cluster (3 nodes, 40 pods) and a demo application sending traces and logs',
    );
  cmd.action(async (opts: RoleFlags & { demo?: boolean }) => {
    const { demo, ...flags } = opts;
    exitCode = await runRole(role, flags, { demo: demo === true });
  });
}

program
  .command('validate')
  .description('check a configuration file without running it')
  .requiredOption('-c, --config <file>', 'the configuration file to check')
  .addOption(new Option('--role <role>', 'the role that will run it').choices([...ROLES]).default('agent'))
  .action(async (opts: { config: string; role: Role }) => {
    const rc = await loadRoleConfig(opts.role, { config: opts.config });
    for (const n of rc.notes) process.stderr.write(`warning: ${n}\n`);
    const p = rc.resolved.pipelines;
    process.stdout.write(
      `${opts.config} is valid: ${p.length} pipeline${p.length === 1 ? '' : 's'} (${p.map((x) => x.id).join(', ')}), ` +
        `${rc.resolved.receivers.size} receiver(s), ${rc.resolved.processors.size} processor(s), ${rc.resolved.exporters.size} exporter(s), ${rc.resolved.extensions.size} extension(s)\n`,
    );
  });

const printConfig = program
  .command('print-config')
  .description(
    'print the configuration a role runs with (its built-in defaults, or --config, with flags applied)',
  )
  .argument('<role>', `one of ${ROLES.join(', ')}`)
  .option('-c, --config <file>', 'start from this file instead of the built-in defaults');
for (const o of addRoleFlags(new Command(), 'up', false).options) printConfig.addOption(o);
printConfig.option('--otlp-endpoint <url>', 'where OTLP goes (agent, cluster)');
printConfig.action(async (roleArg: string, opts: RoleFlags) => {
  if (!(ROLES as readonly string[]).includes(roleArg)) {
    process.stderr.write(`print-config: unknown role "${roleArg}" (one of ${ROLES.join(', ')})\n`);
    exitCode = EXIT.USAGE;
    return;
  }
  const rc = await loadRoleConfig(roleArg as Role, opts);
  for (const n of rc.notes) process.stdout.write(`# note: ${n}\n`);
  process.stdout.write(toYaml(rc.raw));
});

program
  .command('sim')
  .description(
    'run a simulated Kubernetes cluster (API server, kubelets, cgroups, pod logs) that kubectl accepts',
  )
  .option('--nodes <n>', 'number of nodes', '3')
  .option('--pods <m>', 'number of pods (besides one per node for each daemonset)', '30')
  .option('--seed <s>', 'random seed: the same seed builds the same cluster')
  .option('--churn <r>', 'random changes per second (scale, roll out, delete, crash)', '1')
  .option('--listen <host:port>', 'API server address', '127.0.0.1:6443')
  .option('--dir <dir>', 'where DIR/kubeconfig and DIR/nodes/<node>/ are written', './sim')
  .option('--cgroup <v1|v2>', 'cgroup version of the node trees', 'v2')
  .action(async (opts: SimFlags) => {
    exitCode = await runSim(opts);
  });

const kubestate = program.command('kubestate').description('kube-state-metrics compatible tools');
kubestate
  .command('render')
  .description('print the kube-state metrics for Kubernetes objects in JSON or YAML files')
  .argument('<file...>', 'object files (single objects, Lists, multi-document YAML)')
  .option('--metric-labels-allowlist <spec>', 'e.g. pods=[app,team],*=[*]')
  .option('--metric-annotations-allowlist <spec>', 'e.g. deployments=[owner]')
  .option('--resources <list>', 'comma-separated resources to render (default: every resource in the files)')
  .option('--openmetrics', 'write the OpenMetrics format instead of the Prometheus text format')
  .addHelpText(
    'after',
    `
Prints the exposition kube-state-metrics v2.20 would serve for the objects, every family of each
resource present (opt-in families included), on stdout. FILE may be - for stdin.
Objects of kinds kube-state-metrics has no metrics for are skipped with a note on stderr.
Exit codes: 0 ok, 1 a file could not be read or parsed (the others are still rendered), 2 bad flags.

Example:
  kubectl get pods -A -o yaml | watchingcat kubestate render --metric-labels-allowlist 'pods=[app]' -`,
  )
  .action(async (files: string[], opts: RenderFlags) => {
    exitCode = await runKubestateRender(files, opts);
  });

program
  .command('version')
  .description('print the version')
  .action(() => {
    process.stdout.write(`watchingcat ${VERSION} (node ${process.version})\n`);
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    exitCode = err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
  } else if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    exitCode = EXIT.USAGE;
  } else {
    process.stderr.write(`watchingcat: ${(err as Error).message}\n`);
    exitCode = EXIT.FAILURE;
  }
}
process.exitCode = exitCode;
// Leave time for stdout to drain, but never hang on a handle something forgot to close.
setTimeout(() => process.exit(exitCode), 2000).unref();
