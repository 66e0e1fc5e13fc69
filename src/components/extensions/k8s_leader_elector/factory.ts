// `k8s_leader_elector`: leader election on a coordination.k8s.io/v1 Lease, in the Collector's
// option names. Receivers that name it (`k8s_leader_elector: <id>`) run their work only while
// this process holds the Lease. Semantics: src/k8s/leader-election.ts.
//
// The Lease is the one object the product writes (DESIGN promises read-only RBAC otherwise):
// get/create/update on leases in the Lease's namespace.
import { z } from 'zod';
import { duration, section } from '../../../config/schema-helpers.ts';
import { LeaderElector, type LeaderCallbacks, type LeaderElection } from '../../../k8s/leader-election.ts';
import type { ExtensionFactory, Host, KubernetesAccess } from '../../../pipeline/component.ts';

export const configSchema = section({
  /** Accepted for the Collector's configs; the process's Kubernetes connection is used. */
  auth_type: z.enum(['serviceAccount', 'kubeConfig', 'none', 'tls']).optional(),
  /** The Lease's name. */
  lease_name: z.string().min(1),
  /** The Lease's namespace; default: $POD_NAMESPACE, else the in-cluster service account's, else `default`. */
  lease_namespace: z.string().min(1).optional(),
  /** How long a Lease stays held without renewal (standbys wait this long after a crash). */
  lease_duration: duration().default(15_000),
  /** The leader steps down when it could not renew for this long; less than lease_duration. */
  renew_deadline: duration().default(10_000),
  /** How often the leader renews and standbys retry. */
  retry_period: duration().default(2_000),
})
  .refine((c) => c.renew_deadline < c.lease_duration, {
    message: 'renew_deadline must be less than lease_duration',
    path: ['renew_deadline'],
  })
  .refine((c) => c.retry_period > 0 && c.retry_period * 1.2 < c.renew_deadline, {
    message: 'retry_period must be positive and less than renew_deadline / 1.2',
    path: ['retry_period'],
  })
  .refine((c) => c.lease_duration >= 1000, {
    message: 'lease_duration must be at least 1s (the Lease counts whole seconds)',
    path: ['lease_duration'],
  });
export type LeaderElectorConfig = z.infer<typeof configSchema>;

/** The Lease's namespace when the config names none (see lease_namespace). */
export function leaseNamespace(
  config: LeaderElectorConfig,
  kube: KubernetesAccess | undefined,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (config.lease_namespace) return config.lease_namespace;
  if (env.POD_NAMESPACE) return env.POD_NAMESPACE;
  if (kube?.connection.source === 'in-cluster' && kube.connection.namespace) return kube.connection.namespace;
  return 'default';
}

/** Without Kubernetes: never the leader, so what follows it stays idle. */
const never: LeaderElection = {
  identity: '',
  leaseKey: '',
  isLeader: () => false,
  subscribe: () => () => {},
  annotation: () => undefined,
  writeAnnotation: () => Promise.reject(new Error('no Kubernetes API: not a leader')),
};

export const factory: ExtensionFactory<LeaderElectorConfig> = {
  kind: 'extension',
  type: 'k8s_leader_elector',
  configSchema,
  create(settings, config) {
    let elector: LeaderElector | undefined;
    const log = settings.logger;
    const t = settings.telemetry;
    // Subscribers registered before start (none in the service: extensions start first) are kept.
    const early = new Set<LeaderCallbacks>();
    const election: LeaderElection = {
      get identity() {
        return elector?.identity ?? '';
      },
      get leaseKey() {
        return elector?.leaseKey ?? '';
      },
      isLeader: () => elector?.isLeader() ?? false,
      subscribe(cb) {
        if (elector) return elector.subscribe(cb);
        early.add(cb);
        return () => early.delete(cb);
      },
      annotation: (key) => elector?.annotation(key),
      writeAnnotation: (key, value) => (elector ?? never).writeAnnotation(key, value),
    };
    return {
      leaderElection: election,
      async start(host: Host) {
        const kube = await host.kubernetes?.();
        if (!kube) {
          log.warn(
            { extension: settings.id.key },
            'k8s_leader_elector: no Kubernetes API; this process never leads, so the receivers that follow it stay idle',
          );
          return;
        }
        const namespace = leaseNamespace(config, kube);
        const e = new LeaderElector({
          client: kube.client,
          namespace,
          name: config.lease_name,
          leaseDurationMs: config.lease_duration,
          renewDeadlineMs: config.renew_deadline,
          retryPeriodMs: config.retry_period,
          onChange: (leader, why) =>
            log.info(
              { lease: `${namespace}/${config.lease_name}`, identity: e.identity, reason: why },
              leader ? 'k8s_leader_elector: became the leader' : 'k8s_leader_elector: no longer the leader',
            ),
          onError: (err, where) =>
            log.warn(
              {
                lease: `${namespace}/${config.lease_name}`,
                where,
                err: (err as Error)?.message ?? String(err),
              },
              'k8s_leader_elector',
            ),
        });
        elector = e;
        for (const cb of early) e.subscribe(cb);
        early.clear();
        const lease = { lease: `${namespace}/${config.lease_name}` };
        t.observe(
          'leader_election_is_leader',
          '1 while this process holds the Lease, else 0.',
          () => (e.isLeader() ? 1 : 0),
          lease,
        );
        t.observeCounter(
          'leader_election_transitions',
          'Times this process gained or lost leadership.',
          () => e.gains + e.losses,
        );
        t.observe(
          'leader_election_lease_transitions',
          "The Lease's spec.leaseTransitions as last seen (takeovers by any holder).",
          () => e.leaseTransitions,
          lease,
        );
        log.info({ ...lease, identity: e.identity }, 'k8s_leader_elector: electing');
        e.start();
      },
      async shutdown() {
        // Graceful: the followers stop first, then the Lease is released for an immediate failover.
        await elector?.stop({ release: true });
      },
    };
  },
};
