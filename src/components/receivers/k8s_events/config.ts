// `k8s_events` receiver configuration: the Collector's k8seventsreceiver options (`namespaces`,
// `auth_type`, `k8s_leader_elector`) plus our filters and bounds.
import { z } from 'zod';
import { section } from '../../../config/schema-helpers.ts';

const names = () => z.array(z.string().min(1)).default([]);

export const configSchema = section({
  /** Accepted for the Collector's configs; the process's Kubernetes connection is used. */
  auth_type: z.enum(['serviceAccount', 'kubeConfig', 'none', 'tls']).optional(),
  /** Only events in these namespaces; empty: all. With exactly one, only that namespace is watched. */
  namespaces: names(),
  /** Leave out events in these namespaces. */
  namespaces_exclude: names(),
  /** Only events with these reasons (e.g. BackOff, FailedScheduling); empty: all. */
  reasons: names(),
  /** Leave out events with these reasons. */
  reasons_exclude: names(),
  /** Only events of these types (Normal, Warning); empty: all. */
  types: names(),
  /** Leave out events of these types. */
  types_exclude: names(),
  /**
   * Where a first start (no checkpoint yet) begins: `end` — only events from now on (the
   * Collector's behaviour; an installation does not flood its backend with the past hour) — or
   * `beginning` — also the events the API server still holds (a new, demo or test cluster).
   */
  start_at: z.enum(['end', 'beginning']).default('end'),
  /** A k8s_leader_elector extension's id: run only while this process holds its Lease (the checkpoint then lives on the Lease). */
  k8s_leader_elector: z.string().min(1).optional(),
  /** Events per batch handed to the pipeline; at most one batch is in flight (and repeated after a crash). */
  max_batch_size: z.number().int().min(1).max(10_000).default(100),
  /** Events held while the pipeline is slow; when full the watch pauses and later resumes where it stopped. */
  queue_size: z.number().int().min(1).max(1_000_000).default(1000),
}).refine((c) => c.queue_size >= c.max_batch_size, {
  message: 'queue_size must be at least max_batch_size',
  path: ['queue_size'],
});

export type K8sEventsConfig = z.infer<typeof configSchema>;

/** The receiver's filter (see the options above). */
export function eventFilter(
  c: K8sEventsConfig,
): (e: { namespace: string; reason: string; type: string }) => boolean {
  const set = (a: string[]) => (a.length ? new Set(a) : undefined);
  const ns = set(c.namespaces);
  const nsOut = new Set(c.namespaces_exclude);
  const rs = set(c.reasons);
  const rsOut = new Set(c.reasons_exclude);
  const ts = set(c.types);
  const tsOut = new Set(c.types_exclude);
  return (e) =>
    (!ns || ns.has(e.namespace)) &&
    !nsOut.has(e.namespace) &&
    (!rs || rs.has(e.reason)) &&
    !rsOut.has(e.reason) &&
    (!ts || ts.has(e.type)) &&
    !tsOut.has(e.type);
}
