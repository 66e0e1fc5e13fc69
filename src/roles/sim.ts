// `watchingcat sim`: validates the flags, runs the simulated cluster until SIGTERM/SIGINT.
// The simulator's code is loaded only here, so other commands never pay for it.
import { EXIT } from '../cli/exit-codes.ts';

export interface SimFlags {
  nodes: string;
  pods: string;
  seed?: string;
  churn?: string;
  listen: string;
  dir: string;
  cgroup: string;
}

function intFlag(name: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
}

class UsageError extends Error {}

export async function runSim(flags: SimFlags): Promise<number> {
  let opts;
  try {
    const churn = flags.churn === undefined ? undefined : Number(flags.churn);
    if (churn !== undefined && !(churn >= 0))
      throw new UsageError(`--churn must be a number of changes per second ≥ 0, got "${flags.churn}"`);
    if (flags.cgroup !== 'v1' && flags.cgroup !== 'v2')
      throw new UsageError(`--cgroup must be v1 or v2, got "${flags.cgroup}"`);
    if (!/^(\[[^\]]+\]|[^:]*):\d+$/.test(flags.listen))
      throw new UsageError(`--listen must be HOST:PORT (e.g. 127.0.0.1:6443), got "${flags.listen}"`);
    opts = {
      nodes: intFlag('nodes', flags.nodes, 1),
      pods: intFlag('pods', flags.pods, 0),
      ...(flags.seed !== undefined ? { seed: intFlag('seed', flags.seed, 0) } : {}),
      ...(churn !== undefined ? { churn } : {}),
      listen: flags.listen,
      dir: flags.dir,
      cgroup: flags.cgroup,
    } as const;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`watchingcat sim: ${err.message}\n`);
    return EXIT.USAGE;
  }

  const { startSim } = await import('../sim/run.ts');
  const say = (line: string) => process.stderr.write(`sim: ${line}\n`);
  const sim = await startSim({ ...opts, progress: say });
  process.stdout.write(
    `simulated cluster running: ${opts.nodes} nodes, ${opts.pods} pods\n` +
      `  API server  ${sim.url}\n` +
      `  kubeconfig  ${sim.kubeconfig}\n` +
      `  node files  ${opts.dir}/nodes/<node>/ (cgroup ${opts.cgroup}, kubelet, /var/log/pods)\n` +
      `try: kubectl --kubeconfig ${sim.kubeconfig} get pods -A\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (sig: string) => {
      say(`${sig} received: stopping`);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
      resolve();
    };
    const onTerm = () => stop('SIGTERM');
    const onInt = () => stop('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
  });
  await sim.stop();
  return EXIT.OK;
}
