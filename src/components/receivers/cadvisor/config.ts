// `cadvisor` receiver configuration. Options:
//   collection_interval  how often the families (and the pod summary) are pushed as OTLP; default
//                        10s, the kubelet's cAdvisor housekeeping period. Scrapes of
//                        /metrics/cadvisor collect at scrape time regardless.
//   root_path            where the host's / is mounted (/hostfs in a DaemonSet); default
//                        service.host.root_path (--root-path), else "/".
//   cgroup_root          the host's cgroup mount; default <root_path>/sys/fs/cgroup.
//   node_name            the node (k8s.node.name on the data; its kubelet by default); default
//                        $K8S_NODE_NAME, else $NODE_NAME, else --node-name.
//   kubelet              where the pod list comes from (GET /pods): endpoint ("host[:port]" → https,
//                        port 10250, or an http(s):// URL; default ${K8S_NODE_NAME}:10250, else
//                        $NODE_NAME, else --node-name; none → labels carry cgroup ids only),
//                        auth_type serviceAccount | tls | none, ca_file, insecure_skip_verify,
//                        cert_file/key_file (tls), token_file (serviceAccount).
//   pod_refresh_interval the pod list is re-read at most this often (default 5s), earlier (after
//                        1s) when a collection meets containers the list does not know yet.
//   sandbox_image        the `image` label of pod sandboxes (the runtime's pause image; the pod
//                        list does not carry it). Default registry.k8s.io/pause:3.10.
//   extra_cgroups        cgroups outside kubepods the kubelet's cAdvisor also shows, with their
//                        sub-cgroups (its own; the runtime's and the system's when the kubelet has
//                        --runtime-cgroups / --system-cgroups): default
//                        ["/system.slice/kubelet.service"], the kubelet's own cgroup under systemd.
//   exposition           serve /metrics/cadvisor (and in /metrics); default true.
//   summary              push pod_cpu_utilization_ratio, pod_memory_usage_bytes and
//                        pod_network_io_bytes with the families; default true.
import { z } from 'zod';
import { duration, section } from '../../../config/schema-helpers.ts';

export const DEFAULT_SANDBOX_IMAGE = 'registry.k8s.io/pause:3.10';
export const DEFAULT_EXTRA_CGROUPS = ['/system.slice/kubelet.service'];

const kubelet = () =>
  section({
    endpoint: z.string().min(1).optional(),
    auth_type: z.enum(['serviceAccount', 'tls', 'none']).default('serviceAccount'),
    ca_file: z.string().min(1).optional(),
    insecure_skip_verify: z.boolean().default(false),
    token_file: z.string().min(1).optional(),
    cert_file: z.string().min(1).optional(),
    key_file: z.string().min(1).optional(),
    timeout: duration().default(10_000),
  }).refine((k) => k.auth_type !== 'tls' || (k.cert_file !== undefined && k.key_file !== undefined), {
    message: 'auth_type tls needs cert_file and key_file',
    path: ['auth_type'],
  });

export const configSchema = section({
  collection_interval: duration().default(10_000),
  root_path: z.string().min(1).optional(),
  /** The node these containers run on (k8s.node.name). Default: $K8S_NODE_NAME, $NODE_NAME, --node-name. */
  node_name: z.string().min(1).optional(),
  cgroup_root: z.string().min(1).optional(),
  kubelet: kubelet().default({ auth_type: 'serviceAccount', insecure_skip_verify: false, timeout: 10_000 }),
  pod_refresh_interval: duration().default(5_000),
  sandbox_image: z.string().default(DEFAULT_SANDBOX_IMAGE),
  extra_cgroups: z.array(z.string().startsWith('/')).default(DEFAULT_EXTRA_CGROUPS),
  exposition: z.boolean().default(true),
  summary: z.boolean().default(true),
})
  .refine((c) => c.collection_interval >= 1000, {
    message: 'collection_interval must be at least 1s',
    path: ['collection_interval'],
  })
  .refine((c) => c.pod_refresh_interval >= 1000, {
    message: 'pod_refresh_interval must be at least 1s',
    path: ['pod_refresh_interval'],
  });

export type CadvisorConfig = z.infer<typeof configSchema>;

/** The kubelet endpoint to use: the configured one, else this node's kubelet when its name is known. */
export function kubeletEndpoint(
  c: CadvisorConfig,
  nodeName: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  if (c.kubelet.endpoint) return c.kubelet.endpoint;
  const node = c.node_name || env.K8S_NODE_NAME || env.NODE_NAME || nodeName;
  return node ? `${node}:10250` : undefined;
}
