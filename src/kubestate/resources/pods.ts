// kube-state-metrics' Pod families (internal/store/pod.go).
// Containers and init containers have parallel families built by the same helpers below; a
// container's resources map is walked in the object's key order (KSM walks a Go map, so its
// order is unspecified; only the set of series matters).
import {
  annotationsFamily,
  boolValue,
  conditionMetrics,
  createdFamily,
  family,
  labelsFamily,
  metric,
  num,
  rec,
  resourceLabel,
  str,
  stringMap,
  deletionFamily,
  ownerMetrics,
  records,
  setTimeSeconds,
  GO_ZERO_TIME_SECONDS,
  recOrEmpty,
} from '../generators.ts';
import { mapToPrometheusLabels } from '../labels.ts';
import { isQuantity, quantityFloat, quantityValue } from '../quantity.ts';
import {
  isAttachableVolumeResourceName,
  isExtendedResourceName,
  isHugePageResourceName,
} from '../resource-names.ts';
import type { FamilyDef, KubeResourceObject, Metric, ResourceDef } from '../types.ts';

interface Pod extends KubeResourceObject {
  spec?: unknown;
  status?: unknown;
}

type Rec = Record<string, unknown>;

function spec(p: Pod): Rec {
  return recOrEmpty(p.spec);
}
function status(p: Pod): Rec {
  return recOrEmpty(p.status);
}
function containerStatuses(p: Pod): Rec[] {
  return records(status(p).containerStatuses);
}
function initContainerStatuses(p: Pod): Rec[] {
  return records(status(p).initContainerStatuses);
}
function conditions(p: Pod): Rec[] {
  return records(status(p).conditions);
}
/** `state.running` / `state.terminated` / `state.waiting` (a set pointer is any object, even {}). */
function stateOf(cs: Rec, which: 'running' | 'terminated' | 'waiting'): Rec | undefined {
  return rec(rec(cs.state)?.[which]);
}
function lastTerminated(cs: Rec): Rec | undefined {
  return rec(rec(cs.lastState)?.terminated);
}
/** A metav1.Time as Unix seconds; Go's zero time (absent) reads as its Unix value like KSM. */
function timeValue(t: unknown): number {
  return setTimeSeconds(t) ?? GO_ZERO_TIME_SECONDS;
}

type StatusList = (p: Pod) => Rec[];

/** One series per container status, `container` label, value from the status. */
function perStatus(list: StatusList, value: (cs: Rec) => number): (p: Pod) => Metric[] {
  return (p) => list(p).map((cs) => metric(value(cs), ['container'], [str(cs.name)]));
}

/** Series for statuses with `pick(cs)` set; `reason` label from it when `withReason`. */
function perStatusWhere(
  list: StatusList,
  pick: (cs: Rec) => Rec | undefined,
  value: (r: Rec) => number,
  withReason: boolean,
): (p: Pod) => Metric[] {
  return (p) => {
    const out: Metric[] = [];
    for (const cs of list(p)) {
      const r = pick(cs);
      if (!r) continue;
      out.push(
        withReason
          ? metric(1, ['container', 'reason'], [str(cs.name), str(r.reason)])
          : metric(value(r), ['container'], [str(cs.name)]),
      );
    }
    return out;
  };
}

function stateStarted(list: StatusList): (p: Pod) => Metric[] {
  return (p) => {
    const out: Metric[] = [];
    for (const cs of list(p)) {
      const s = stateOf(cs, 'running') ?? stateOf(cs, 'terminated');
      if (s) out.push(metric(timeValue(s.startedAt), ['container'], [str(cs.name)]));
    }
    return out;
  };
}

const RESOURCE_KEYS = ['container', 'node', 'resource', 'unit'];

/** Requests or limits of every container in `containers`, with KSM's unit per resource class. */
function containerResources(containersField: 'containers' | 'initContainers', which: 'requests' | 'limits') {
  return (p: Pod): Metric[] => {
    const out: Metric[] = [];
    const node = str(spec(p).nodeName);
    for (const c of records(spec(p)[containersField])) {
      const values = rec(rec(c.resources)?.[which]);
      if (!values) continue;
      for (const [name, q] of Object.entries(values)) {
        if (!isQuantity(q)) continue;
        const labels = (unit: string) => [str(c.name), node, resourceLabel(name), unit];
        switch (name) {
          case 'cpu':
            out.push(metric(quantityFloat(q), RESOURCE_KEYS, labels('core')));
            break;
          case 'storage':
          case 'ephemeral-storage':
          case 'memory':
            out.push(metric(quantityValue(q), RESOURCE_KEYS, labels('byte')));
            break;
          default:
            if (isHugePageResourceName(name))
              out.push(metric(quantityValue(q), RESOURCE_KEYS, labels('byte')));
            if (isAttachableVolumeResourceName(name))
              out.push(metric(quantityValue(q), RESOURCE_KEYS, labels('byte')));
            if (isExtendedResourceName(name))
              out.push(metric(quantityValue(q), RESOURCE_KEYS, labels('integer')));
        }
      }
    }
    return out;
  };
}

/** Container info: one series per spec container that has a status of the same name. */
function containerInfo(containersField: 'containers' | 'initContainers', list: StatusList, init: boolean) {
  return (p: Pod): Metric[] => {
    const keys = ['container', 'image_spec', 'image', 'image_id', 'container_id'];
    if (init) keys.push('restart_policy');
    const out: Metric[] = [];
    const statuses = list(p);
    for (const c of records(spec(p)[containersField])) {
      for (const cs of statuses) {
        if (str(cs.name) !== str(c.name)) continue;
        const values = [str(cs.name), str(c.image), str(cs.image), str(cs.imageID), str(cs.containerID)];
        if (init) values.push(str(c.restartPolicy));
        out.push(metric(1, keys, values));
      }
    }
    return out;
  };
}

/** Unix seconds of the last transition of condition `type` when its status is True. */
function conditionTrueTime(type: string) {
  return (p: Pod): Metric[] =>
    conditions(p)
      .filter((c) => c.type === type && c.status === 'True')
      .map((c) => metric(timeValue(c.lastTransitionTime)));
}

function conditionStatus(type: string) {
  return (p: Pod): Metric[] =>
    conditions(p)
      .filter((c) => c.type === type)
      .flatMap((c) => conditionMetrics(str(c.status), ['condition'], []).map(relabelCondition));
}
/** KSM's pod condition triples name the status label `condition`. */
function relabelCondition(m: Metric): Metric {
  return metric(m.value, ['condition'], m.values);
}

const POD_STATUS_REASONS = [
  'Evicted',
  'NodeAffinity',
  'NodeLost',
  'PreemptionByScheduler',
  'SchedulingGated',
  'Shutdown',
  'TerminationByKubelet',
  'UnexpectedAdmissionError',
];
const DISRUPTION_REASONS = [
  'PreemptionByScheduler',
  'DeletionByTaintManager',
  'EvictionByEvictionAPI',
  'DeletionByPodGC',
  'TerminationByKubelet',
];

function hasStatusReason(p: Pod, reason: string): boolean {
  if (status(p).reason === reason) return true;
  if (conditions(p).some((c) => c.reason === reason)) return true;
  return containerStatuses(p).some((cs) => stateOf(cs, 'terminated')?.reason === reason);
}

/** An ephemeral volume's PVC is named `<pod>-<volume>` (component-helpers' VolumeClaimName). */
function claimVolumes(p: Pod): { volume: string; claim: string; ephemeral: boolean; readOnly: boolean }[] {
  const out = [];
  for (const v of records(spec(p).volumes)) {
    const pvc = rec(v.persistentVolumeClaim);
    if (pvc)
      out.push({
        volume: str(v.name),
        claim: str(pvc.claimName),
        ephemeral: false,
        readOnly: pvc.readOnly === true,
      });
    else if (rec(v.ephemeral))
      out.push({
        volume: str(v.name),
        claim: `${p.metadata.name}-${str(v.name)}`,
        ephemeral: true,
        readOnly: false,
      });
  }
  return out;
}

const VOLUME_KEYS = ['volume', 'persistentvolumeclaim', 'ephemeral'];

/** A toleration's identity; KSM reports each distinct toleration once. */
function tolerationSeconds(t: Rec): string {
  const s = num(t.tolerationSeconds);
  return s === undefined ? '' : String(Math.trunc(s));
}

function overhead(p: Pod, name: string): unknown {
  return rec(spec(p).overhead)?.[name];
}

const families: FamilyDef<Pod>[] = [
  family(
    'kube_pod_completion_time',
    'gauge',
    'stable',
    'Completion time in unix timestamp for a pod.',
    (p) => {
      let last = 0;
      for (const cs of containerStatuses(p)) {
        const t = stateOf(cs, 'terminated');
        if (!t) continue;
        const f = timeValue(t.finishedAt);
        if (last === 0 || last < f) last = f;
      }
      return last > 0 ? [metric(last)] : [];
    },
  ),
  family(
    'kube_pod_container_info',
    'gauge',
    'stable',
    'Information about a container in a pod.',
    containerInfo('containers', containerStatuses, false),
  ),
  family(
    'kube_pod_container_resource_limits',
    'gauge',
    'stable',
    'The number of requested limit resource by a container. It is recommended to use the kube_pod_resource_limits metric exposed by kube-scheduler instead, as it is more precise.',
    containerResources('containers', 'limits'),
  ),
  family(
    'kube_pod_container_resource_requests',
    'gauge',
    'stable',
    'The number of requested request resource by a container. It is recommended to use the kube_pod_resource_requests metric exposed by kube-scheduler instead, as it is more precise.',
    containerResources('containers', 'requests'),
  ),
  family(
    'kube_pod_container_state_started',
    'gauge',
    'stable',
    'Start time in unix timestamp for a pod container.',
    stateStarted(containerStatuses),
  ),
  family(
    'kube_pod_container_status_last_terminated_reason',
    'gauge',
    'experimental',
    'Describes the last reason the container was in terminated state.',
    perStatusWhere(containerStatuses, lastTerminated, () => 1, true),
  ),
  family(
    'kube_pod_container_status_last_terminated_exitcode',
    'gauge',
    'experimental',
    'Describes the exit code for the last container in terminated state.',
    perStatusWhere(containerStatuses, lastTerminated, (t) => num(t.exitCode) ?? 0, false),
  ),
  family(
    'kube_pod_container_status_last_terminated_timestamp',
    'gauge',
    'experimental',
    'Last terminated time for a pod container in unix timestamp.',
    perStatusWhere(containerStatuses, lastTerminated, (t) => timeValue(t.finishedAt), false),
  ),
  family(
    'kube_pod_container_status_ready',
    'gauge',
    'stable',
    'Describes whether the containers readiness check succeeded.',
    perStatus(containerStatuses, (cs) => boolValue(cs.ready === true)),
  ),
  family(
    'kube_pod_container_status_restarts_total',
    'counter',
    'stable',
    'The number of container restarts per container.',
    perStatus(containerStatuses, (cs) => num(cs.restartCount) ?? 0),
  ),
  family(
    'kube_pod_container_status_running',
    'gauge',
    'stable',
    'Describes whether the container is currently in running state.',
    perStatus(containerStatuses, (cs) => boolValue(stateOf(cs, 'running') !== undefined)),
  ),
  family(
    'kube_pod_container_status_terminated',
    'gauge',
    'stable',
    'Describes whether the container is currently in terminated state.',
    perStatus(containerStatuses, (cs) => boolValue(stateOf(cs, 'terminated') !== undefined)),
  ),
  family(
    'kube_pod_container_status_terminated_reason',
    'gauge',
    'experimental',
    'Describes the reason the container is currently in terminated state.',
    perStatusWhere(
      containerStatuses,
      (cs) => stateOf(cs, 'terminated'),
      () => 1,
      true,
    ),
  ),
  family(
    'kube_pod_container_status_waiting',
    'gauge',
    'stable',
    'Describes whether the container is currently in waiting state.',
    perStatus(containerStatuses, (cs) => boolValue(stateOf(cs, 'waiting') !== undefined)),
  ),
  family(
    'kube_pod_container_status_waiting_reason',
    'gauge',
    'stable',
    'Describes the reason the container is currently in waiting state.',
    perStatusWhere(
      containerStatuses,
      (cs) => stateOf(cs, 'waiting'),
      () => 1,
      true,
    ),
  ),
  createdFamily('kube_pod_created'),
  deletionFamily('kube_pod_deletion_timestamp'),
  family('kube_pod_info', 'gauge', 'stable', 'Information about pod.', (p) => {
    const controller = records(p.metadata.ownerReferences).find((o) => o.controller === true);
    return [
      metric(
        1,
        ['host_ip', 'pod_ip', 'node', 'created_by_kind', 'created_by_name', 'priority_class', 'host_network'],
        [
          str(status(p).hostIP),
          str(status(p).podIP),
          str(spec(p).nodeName),
          str(controller?.kind),
          str(controller?.name),
          str(spec(p).priorityClassName),
          String(spec(p).hostNetwork === true),
        ],
      ),
    ];
  }),
  family(
    'kube_pod_resourceclaim_info',
    'gauge',
    'experimental',
    'Information about a DRA ResourceClaim referenced by a pod, one series per pod.spec.resourceClaims entry; claim_name is the pod-local reference and resourceclaim_name is the resolved ResourceClaim object name.',
    (p) => {
      const claims = records(spec(p).resourceClaims);
      if (claims.length === 0) return [];
      // Template-backed claims get their object's name in status once the kubelet creates it.
      const resolved = new Map<string, string>();
      for (const s of records(status(p).resourceClaimStatuses))
        if (typeof s.resourceClaimName === 'string') resolved.set(str(s.name), s.resourceClaimName);
      const out: Metric[] = [];
      for (const rc of claims) {
        const direct = typeof rc.resourceClaimName === 'string' ? rc.resourceClaimName : undefined;
        const template =
          typeof rc.resourceClaimTemplateName === 'string' ? rc.resourceClaimTemplateName : undefined;
        if (direct === undefined && template === undefined) continue; // references no claim
        out.push(
          metric(
            1,
            ['claim_name', 'resourceclaim_name', 'resourceclaim_template_name'],
            [str(rc.name), direct ?? resolved.get(str(rc.name)) ?? '', template ?? ''],
          ),
        );
      }
      return out;
    },
  ),
  family('kube_pod_ips', 'gauge', 'experimental', 'Pod IP addresses', (p) => {
    const out: Metric[] = [];
    for (const ip of records(status(p).podIPs)) {
      const fam = ipFamily(str(ip.ip));
      if (fam) out.push(metric(1, ['ip', 'ip_family'], [str(ip.ip), fam]));
    }
    return out;
  }),
  family(
    'kube_pod_init_container_info',
    'gauge',
    'stable',
    'Information about an init container in a pod.',
    containerInfo('initContainers', initContainerStatuses, true),
  ),
  family(
    'kube_pod_init_container_resource_limits',
    'gauge',
    'experimental',
    'The number of requested limit resource by an init container.',
    containerResources('initContainers', 'limits'),
  ),
  family(
    'kube_pod_init_container_resource_requests',
    'gauge',
    'experimental',
    'The number of requested request resource by an init container.',
    containerResources('initContainers', 'requests'),
  ),
  family(
    'kube_pod_init_container_status_last_terminated_reason',
    'gauge',
    'experimental',
    'Describes the last reason the init container was in terminated state.',
    perStatusWhere(initContainerStatuses, lastTerminated, () => 1, true),
  ),
  family(
    'kube_pod_init_container_status_ready',
    'gauge',
    'stable',
    'Describes whether the init containers readiness check succeeded.',
    perStatus(initContainerStatuses, (cs) => boolValue(cs.ready === true)),
  ),
  family(
    'kube_pod_init_container_status_restarts_total',
    'counter',
    'stable',
    'The number of restarts for the init container.',
    perStatus(initContainerStatuses, (cs) => num(cs.restartCount) ?? 0),
  ),
  family(
    'kube_pod_init_container_status_running',
    'gauge',
    'stable',
    'Describes whether the init container is currently in running state.',
    perStatus(initContainerStatuses, (cs) => boolValue(stateOf(cs, 'running') !== undefined)),
  ),
  family(
    'kube_pod_init_container_status_terminated',
    'gauge',
    'stable',
    'Describes whether the init container is currently in terminated state.',
    perStatus(initContainerStatuses, (cs) => boolValue(stateOf(cs, 'terminated') !== undefined)),
  ),
  family(
    'kube_pod_init_container_status_terminated_reason',
    'gauge',
    'experimental',
    'Describes the reason the init container is currently in terminated state.',
    perStatusWhere(
      initContainerStatuses,
      (cs) => stateOf(cs, 'terminated'),
      () => 1,
      true,
    ),
  ),
  family(
    'kube_pod_init_container_status_waiting',
    'gauge',
    'stable',
    'Describes whether the init container is currently in waiting state.',
    perStatus(initContainerStatuses, (cs) => boolValue(stateOf(cs, 'waiting') !== undefined)),
  ),
  family(
    'kube_pod_init_container_status_waiting_reason',
    'gauge',
    'experimental',
    'Describes the reason the init container is currently in waiting state.',
    perStatusWhere(
      initContainerStatuses,
      (cs) => stateOf(cs, 'waiting'),
      () => 1,
      true,
    ),
  ),
  family(
    'kube_pod_init_container_state_started',
    'gauge',
    'experimental',
    'Start time in unix timestamp for a pod init container.',
    stateStarted(initContainerStatuses),
  ),
  family(
    'kube_pod_init_container_status_last_terminated_exitcode',
    'gauge',
    'experimental',
    'Describes the exit code for the last init container in terminated state.',
    perStatusWhere(initContainerStatuses, lastTerminated, (t) => num(t.exitCode) ?? 0, false),
  ),
  family(
    'kube_pod_init_container_status_last_terminated_timestamp',
    'gauge',
    'experimental',
    'Last terminated time for a pod init container in unix timestamp.',
    perStatusWhere(initContainerStatuses, lastTerminated, (t) => timeValue(t.finishedAt), false),
  ),
  annotationsFamily('kube_pod_annotations'),
  labelsFamily('kube_pod_labels'),
  family(
    'kube_pod_overhead_cpu_cores',
    'gauge',
    'experimental',
    'The pod overhead in regards to cpu cores associated with running a pod.',
    (p) => {
      const q = overhead(p, 'cpu');
      return isQuantity(q) ? [metric(quantityFloat(q))] : [];
    },
  ),
  family(
    'kube_pod_overhead_memory_bytes',
    'gauge',
    'experimental',
    'The pod overhead in regards to memory associated with running a pod.',
    (p) => {
      const q = overhead(p, 'memory');
      return isQuantity(q) ? [metric(quantityValue(q))] : [];
    },
  ),
  family('kube_pod_owner', 'gauge', 'stable', "Information about the Pod's owner.", ownerMetrics),
  family(
    'kube_pod_restart_policy',
    'gauge',
    'stable',
    'Describes the restart policy in use by this pod.',
    (p) => [metric(1, ['type'], [str(spec(p).restartPolicy)])],
  ),
  family(
    'kube_pod_runtimeclass_name_info',
    'gauge',
    'experimental',
    'The runtimeclass associated with the pod.',
    (p) => {
      const name = spec(p).runtimeClassName;
      return typeof name === 'string' ? [metric(1, ['runtimeclass_name'], [name])] : [];
    },
  ),
  family(
    'kube_pod_spec_volumes_persistentvolumeclaims_info',
    'gauge',
    'stable',
    'Information about persistentvolumeclaim and ephemeral volumes in a pod.',
    (p) => claimVolumes(p).map((v) => metric(1, VOLUME_KEYS, [v.volume, v.claim, String(v.ephemeral)])),
  ),
  family(
    'kube_pod_spec_volumes_persistentvolumeclaims_readonly',
    'gauge',
    'stable',
    'Describes whether a persistentvolumeclaim is mounted read only. Ephemeral volumes always report 0 since the ephemeral volume source does not support a read-only flag.',
    (p) =>
      claimVolumes(p).map((v) =>
        metric(boolValue(v.readOnly), VOLUME_KEYS, [v.volume, v.claim, String(v.ephemeral)]),
      ),
  ),
  family('kube_pod_start_time', 'gauge', 'stable', 'Start time in unix timestamp for a pod.', (p) => {
    const t = status(p).startTime;
    return typeof t === 'string' ? [metric(timeValue(t))] : [];
  }),
  family('kube_pod_status_phase', 'gauge', 'stable', 'The pods current phase.', (p) => {
    const phase = str(status(p).phase);
    if (phase === '') return [];
    return ['Pending', 'Succeeded', 'Failed', 'Unknown', 'Running'].map((n) =>
      metric(boolValue(phase === n), ['phase'], [n]),
    );
  }),
  family(
    'kube_pod_status_initialized_time',
    'gauge',
    'experimental',
    'Initialized time in unix timestamp for a pod.',
    conditionTrueTime('Initialized'),
  ),
  family(
    'kube_pod_status_container_ready_time',
    'gauge',
    'experimental',
    'Readiness achieved time in unix timestamp for a pod containers.',
    conditionTrueTime('ContainersReady'),
  ),
  family(
    'kube_pod_status_ready_time',
    'gauge',
    'experimental',
    'Readiness achieved time in unix timestamp for a pod.',
    conditionTrueTime('Ready'),
  ),
  family('kube_pod_status_qos_class', 'gauge', 'experimental', 'The pods current qosClass.', (p) => {
    const cls = str(status(p).qosClass);
    if (cls === '') return [];
    return ['BestEffort', 'Burstable', 'Guaranteed'].map((n) =>
      metric(boolValue(cls === n), ['qos_class'], [n]),
    );
  }),
  family(
    'kube_pod_status_ready',
    'gauge',
    'stable',
    'Describes whether the pod is ready to serve requests.',
    conditionStatus('Ready'),
  ),
  family('kube_pod_status_reason', 'gauge', 'experimental', 'The pod status reasons', (p) => {
    const out = POD_STATUS_REASONS.filter((r) => hasStatusReason(p, r)).map((r) =>
      metric(1, ['reason'], [r]),
    );
    const reason = str(status(p).reason);
    if (reason !== '' && !POD_STATUS_REASONS.includes(reason)) out.push(metric(1, ['reason'], ['Other']));
    return out;
  }),
  family(
    'kube_pod_status_disruption_reason',
    'gauge',
    'experimental',
    'The pod disruption condition reason',
    (p) =>
      conditions(p)
        .filter((c) => c.type === 'DisruptionTarget')
        .map((c) => {
          const reason = str(c.reason);
          return metric(1, ['reason'], [DISRUPTION_REASONS.includes(reason) ? reason : 'Other']);
        }),
  ),
  family(
    'kube_pod_status_scheduled',
    'gauge',
    'stable',
    'Describes the status of the scheduling process for the pod.',
    conditionStatus('PodScheduled'),
  ),
  family(
    'kube_pod_status_scheduled_time',
    'gauge',
    'stable',
    'Unix timestamp when pod moved into scheduled status',
    conditionTrueTime('PodScheduled'),
  ),
  family(
    'kube_pod_status_unschedulable',
    'gauge',
    'stable',
    'Describes the unschedulable status for the pod.',
    (p) =>
      conditions(p)
        .filter((c) => c.type === 'PodScheduled' && c.status === 'False')
        .map(() => metric(1)),
  ),
  family(
    'kube_pod_status_unscheduled_time',
    'gauge',
    'experimental',
    'Unix timestamp when pod moved into unscheduled status',
    (p) =>
      conditions(p)
        .filter((c) => c.type === 'PodScheduled' && c.status === 'False')
        .map((c) => metric(timeValue(c.lastTransitionTime))),
  ),
  family('kube_pod_tolerations', 'gauge', 'experimental', 'Information about the pod tolerations', (p) => {
    const seen = new Set<string>();
    const out: Metric[] = [];
    for (const t of records(spec(p).tolerations)) {
      const values = [str(t.key), str(t.operator), str(t.value), str(t.effect), tolerationSeconds(t)];
      const id = JSON.stringify(values);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(metric(1, ['key', 'operator', 'value', 'effect', 'toleration_seconds'], values));
    }
    return out;
  }),
  family(
    'kube_pod_nodeselectors',
    'gauge',
    'experimental',
    'Describes the Pod nodeSelectors.',
    (p) => {
      const l = mapToPrometheusLabels('nodeselector', stringMap(spec(p).nodeSelector) ?? {});
      return [metric(1, l.keys, l.values)];
    },
    { optIn: true },
  ),
  family('kube_pod_service_account', 'gauge', 'experimental', 'The service account for a pod.', (p) => [
    metric(1, ['service_account'], [str(spec(p).serviceAccountName)]),
  ]),
  family('kube_pod_scheduler', 'gauge', 'experimental', 'The scheduler for a pod.', (p) => [
    metric(1, ['name'], [str(spec(p).schedulerName)]),
  ]),
];

/** "4" or "6" for an address Go's netip.ParseAddr accepts; IPv4-mapped IPv6 counts as 4 (Unmap). */
function ipFamily(ip: string): '4' | '6' | undefined {
  if (IPV4.test(ip)) return '4';
  if (!ip.includes(':')) return undefined;
  let host: string;
  try {
    // The WHATWG URL parser validates and normalizes IPv6 ("::ffff:1.2.3.4" → "[::ffff:102:304]");
    // it does not take a zone ("%eth0"), which netip allows, so the zone is left out.
    host = new URL(`http://[${ip.split('%')[0]!}]/`).hostname;
  } catch {
    return undefined;
  }
  return /^\[::ffff:[0-9a-f]{1,4}:[0-9a-f]{1,4}\]$/.test(host) ? '4' : '6';
}
const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);

export const resource: ResourceDef<Pod> = {
  resource: 'pods',
  kind: 'Pod',
  group: '',
  version: 'v1',
  namespaced: true,
  enabledByDefault: true,
  identifyingLabels: ['namespace', 'pod', 'uid'],
  identify: (o) => [o.metadata.namespace ?? '', o.metadata.name, o.metadata.uid ?? ''],
  families,
};
