// The whole product on loopback, as a cluster runs it: `watchingcat sim` (API server, kubelets,
// cgroup trees, pod log files), one `agent` per simulated node (cAdvisor-style container metrics
// from the node's cgroups; optionally the node's container logs), the `cluster` role (kube-state
// metrics from the API server) and the `backend` (OTLP in, chDB, REST API, optionally the UI).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, childEnv, freePort, startRole, type Running } from './process.ts';

export interface SimStackOptions {
  nodes: number;
  pods: number;
  seed?: number;
  /** The agents also ship their node's container logs (filelog, from the beginning of each file). */
  containerLogs?: boolean;
  /** The backend also stores traces (for SDK spans sent to `otlpHttp`). */
  traces?: boolean;
  /** The backend's --ui-address (default: a free loopback port, so tests never take 3001). */
  uiAddress?: string;
}

export interface SimStack {
  dir: string;
  /** The simulator's API server, http://127.0.0.1:port. */
  simApi: string;
  /** The backend's REST API and web UI. */
  api: string;
  ui: string;
  /** The backend's OTLP/HTTP endpoint, http://127.0.0.1:port. */
  otlpHttp: string;
  /** The simulated nodes' names. */
  nodes: string[];
  backend: Running;
  stop(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function yaml(lines: TemplateStringsArray, ...values: unknown[]): string {
  return String.raw({ raw: lines }, ...values);
}

export async function startSimStack(opts: SimStackOptions): Promise<SimStack> {
  const dir = mkdtempSync(join(tmpdir(), 'wc-sim-stack-'));
  let sim: ChildProcess | undefined;
  let cluster: Running | undefined;
  let backend: Running | undefined;
  const agents: Running[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(agents.map((a) => a.stop()));
    await cluster?.stop();
    await backend?.stop();
    if (sim && sim.exitCode === null) {
      const exited = new Promise((r) => sim!.once('exit', r));
      sim.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const [simPort, otlpHttp, otlpGrpc, apiPort, uiPort] = await Promise.all([
      freePort(),
      freePort(),
      freePort(),
      freePort(),
      freePort(),
    ]);
    const simApi = `http://127.0.0.1:${simPort}`;
    let out = '';
    sim = spawn(
      BIN,
      [
        'sim',
        ...['--nodes', String(opts.nodes), '--pods', String(opts.pods), '--seed', String(opts.seed ?? 11)],
        ...['--churn', '0', '--listen', `127.0.0.1:${simPort}`, '--dir', join(dir, 'sim')],
      ],
      { env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    sim.stdout!.on('data', (d: Buffer) => (out += d));
    sim.stderr!.on('data', (d: Buffer) => (out += d));
    for (let i = 0; i < 300 && !out.includes('simulated cluster running'); i++) {
      if (sim.exitCode !== null) throw new Error(`sim exited early:\n${out}`);
      await sleep(100);
    }
    const nodesDir = join(dir, 'sim', 'nodes');
    let nodes: string[] = [];
    for (let i = 0; i < 100 && nodes.length < opts.nodes; i++) {
      nodes = existsSync(nodesDir)
        ? readdirSync(nodesDir).filter((n) => existsSync(join(nodesDir, n, 'kubelet.json')))
        : [];
      if (nodes.length < opts.nodes) await sleep(100);
    }
    if (nodes.length !== opts.nodes) throw new Error(`simulated nodes did not appear:\n${out}`);

    // The backend stores what the others send.
    writeFileSync(
      join(dir, 'backend.yaml'),
      yaml`receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${otlpGrpc}
      http:
        endpoint: 127.0.0.1:${otlpHttp}
exporters:
  storage:
service:
  telemetry:
    metrics:
      level: none
  metrics_endpoint:
    address: 127.0.0.1:${await freePort()}
  pipelines:
${opts.traces ? '    traces:\n      receivers: [otlp]\n      exporters: [storage]\n' : ''}    metrics:
      receivers: [otlp]
      exporters: [storage]
    logs:
      receivers: [otlp]
      exporters: [storage]
`,
    );
    backend = await startRole(
      [
        'backend',
        ...['--config', join(dir, 'backend.yaml'), '--data-dir', join(dir, 'backend')],
        ...['--api-address', `127.0.0.1:${apiPort}`],
        ...['--ui-address', opts.uiAddress ?? `127.0.0.1:${uiPort}`],
      ],
      { healthPort: await freePort(), timeoutMs: 30_000 },
    );
    const toBackend = `exporters:
  otlphttp:
    endpoint: http://127.0.0.1:${otlpHttp}
`;

    // The cluster role: kube-state metrics of the simulated API server, pushed every second.
    writeFileSync(
      join(dir, 'cluster.yaml'),
      yaml`receivers:
  kubestate:
    streaming:
      interval: 1s
${toBackend}service:
  telemetry:
    metrics:
      level: none
  metrics_endpoint:
    address: 127.0.0.1:${await freePort()}
  pipelines:
    metrics:
      receivers: [kubestate]
      exporters: [otlphttp]
`,
    );
    cluster = await startRole(
      [
        'cluster',
        ...['--config', join(dir, 'cluster.yaml'), '--kubeconfig', join(dir, 'sim', 'kubeconfig')],
        ...['--data-dir', join(dir, 'cluster')],
      ],
      { healthPort: await freePort(), timeoutMs: 30_000 },
    );

    // One agent per node, reading the node's files as a DaemonSet pod reads /hostfs.
    for (const node of nodes) {
      const kubelet = (
        JSON.parse(readFileSync(join(nodesDir, node, 'kubelet.json'), 'utf8')) as { url: string }
      ).url;
      const config = join(dir, `agent-${node}.yaml`);
      const logs = opts.containerLogs ? '  filelog:\n    start_at: beginning\n' : '';
      const logsPipeline = opts.containerLogs
        ? '    logs:\n      receivers: [filelog]\n      exporters: [otlphttp]\n'
        : '';
      writeFileSync(
        config,
        yaml`receivers:
  cadvisor:
    collection_interval: 1s
    kubelet:
      endpoint: ${kubelet}
      auth_type: none
${logs}${toBackend}service:
  telemetry:
    metrics:
      level: none
  pipelines:
    metrics:
      receivers: [cadvisor]
      exporters: [otlphttp]
${logsPipeline}`,
      );
      agents.push(
        await startRole(
          [
            'agent',
            ...['--config', config, '--root-path', join(nodesDir, node)],
            ...[
              '--metrics-address',
              `127.0.0.1:${await freePort()}`,
              '--data-dir',
              join(dir, `agent-${node}`),
            ],
          ],
          { healthPort: await freePort(), env: { K8S_NODE_NAME: node }, timeoutMs: 30_000 },
        ),
      );
    }
    return {
      dir,
      simApi,
      api: `http://127.0.0.1:${apiPort}`,
      ui: opts.uiAddress ? `http://${opts.uiAddress}` : `http://127.0.0.1:${uiPort}`,
      otlpHttp: `http://127.0.0.1:${otlpHttp}`,
      nodes,
      backend,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
