// Pod objects as the API server returns them: the controller's template plus the defaults the
// API server and admission plugins add (ServiceAccount token volume, default tolerations, ...),
// and the status kubelet reports, rendered from the engine's PodRec.
import type { OwnerReference } from '../types.ts';
import type { NewObject } from './sim.ts';
import type { Condition, ContainerRec, PodRec, PodTemplate, Terminated } from './model.ts';
import { rfc3339 } from './time.ts';
import { bytes, cpuMilli } from './quantity.ts';

export interface ContainerSpec {
  name: string;
  image: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  [field: string]: unknown;
}

const DEFAULT_TOLERATIONS = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
];

/** Sums requests (limits stand in for missing requests, as the API server defaults them). */
export function podRequests(containers: ContainerSpec[]): { cpuMilli: number; memBytes: number } {
  let cpu = 0;
  let mem = 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    const cpuQ = req.cpu ?? lim.cpu;
    const memQ = req.memory ?? lim.memory;
    if (cpuQ) cpu += cpuMilli(cpuQ);
    if (memQ) mem += bytes(memQ);
  }
  return { cpuMilli: cpu, memBytes: mem };
}

/** The QoS class rules of the kubelet (pkg/apis/core/v1/helper/qos). */
export function qosClass(containers: ContainerSpec[]): PodRec['qosClass'] {
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || q !== l) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The full Pod object for `pod` created from `tmpl`; `apiAccessSuffix` names the token volume. */
export function podObject(
  pod: PodRec,
  tmpl: PodTemplate,
  ownerRef: OwnerReference | undefined,
  apiAccessSuffix: string,
  generateName: string | undefined,
): NewObject {
  // Shallow: SimStore.create() copies what it is given, and nothing below mutates the template.
  const spec = tmpl.spec;
  const tokenVolume = `kube-api-access-${apiAccessSuffix}`;
  const hostNetwork = spec.hostNetwork === true;
  const containers = (spec.containers as ContainerSpec[]).map((c) => ({
    imagePullPolicy: 'IfNotPresent',
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    ...c,
    volumeMounts: [
      ...((c.volumeMounts as unknown[]) ?? []),
      { name: tokenVolume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
    ],
  }));
  const serviceAccountName = (spec.serviceAccountName as string | undefined) ?? 'default';
  const full: Record<string, unknown> = {
    dnsPolicy: hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
    ...spec,
    containers,
    serviceAccount: serviceAccountName,
    serviceAccountName,
    tolerations: [...((spec.tolerations as unknown[]) ?? []), ...DEFAULT_TOLERATIONS],
    volumes: [...((spec.volumes as unknown[]) ?? []), apiAccessVolume(tokenVolume)],
  };
  if (pod.node) full.nodeName = pod.node.name;
  const metadata: NewObject['metadata'] = {
    name: pod.name,
    namespace: pod.namespace,
    uid: pod.uid,
    creationTimestamp: rfc3339(pod.createdAt),
    labels: { ...tmpl.labels },
  };
  if (generateName !== undefined) metadata.generateName = generateName;
  if (tmpl.annotations) metadata.annotations = { ...tmpl.annotations };
  if (ownerRef) metadata.ownerReferences = [ownerRef];
  return { metadata, spec: full, status: podStatus(pod) };
}

function apiAccessVolume(name: string): Record<string, unknown> {
  return {
    name,
    projected: {
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
}

function condition(type: string, c: Condition | undefined): Record<string, unknown> | undefined {
  if (!c) return undefined;
  const out: Record<string, unknown> = {
    type,
    status: c.status,
    lastProbeTime: null,
    lastTransitionTime: rfc3339(c.since),
  };
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}

function terminatedState(t: Terminated): Record<string, unknown> {
  const out: Record<string, unknown> = {
    exitCode: t.exitCode,
    reason: t.reason,
    startedAt: rfc3339(t.startedAt),
    finishedAt: rfc3339(t.finishedAt),
    containerID: t.containerID,
  };
  if (t.message) out.message = t.message;
  return out;
}

function containerStatus(c: ContainerRec): Record<string, unknown> {
  let state: Record<string, unknown>;
  if (c.state === 'running') state = { running: { startedAt: rfc3339(c.startedAt ?? 0) } };
  else if (c.state === 'terminated' && c.terminated) state = { terminated: terminatedState(c.terminated) };
  else {
    const waiting: Record<string, unknown> = { reason: c.waitingReason ?? 'ContainerCreating' };
    if (c.waitingMessage) waiting.message = c.waitingMessage;
    state = { waiting };
  }
  const out: Record<string, unknown> = {
    name: c.name,
    state,
    lastState: c.last ? { terminated: terminatedState(c.last) } : {},
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.containerID ? c.imageID : '',
    started: c.started,
  };
  if (c.containerID) out.containerID = c.containerID;
  return out;
}

/** PodStatus as kubelet (or the scheduler, before binding) reports it. */
export function podStatus(pod: PodRec): Record<string, unknown> {
  const status: Record<string, unknown> = { phase: pod.phase };
  const conditions = [
    condition('DisruptionTarget', pod.phase === 'Failed' && pod.reason === 'Evicted' ? pod.ready : undefined),
    condition('PodReadyToStartContainers', pod.readyToStart),
    condition('Initialized', pod.initialized),
    condition('Ready', pod.ready),
    condition('ContainersReady', pod.containersReady),
    condition('PodScheduled', pod.scheduled),
  ].filter((c) => c !== undefined);
  if (pod.phase === 'Failed' && pod.reason === 'Evicted' && conditions[0]) {
    // The DisruptionTarget condition carries the kubelet's own reason, not the Ready one.
    conditions[0] = {
      ...conditions[0],
      status: 'True',
      reason: 'TerminationByKubelet',
      message: pod.message,
    };
  }
  if (conditions.length > 0) status.conditions = conditions;
  if (pod.reason) status.reason = pod.reason;
  if (pod.message) status.message = pod.message;
  if (pod.node && pod.startTime !== undefined) {
    status.hostIP = pod.node.internalIP;
    status.hostIPs = [{ ip: pod.node.internalIP }];
    if (pod.ip) {
      status.podIP = pod.ip;
      status.podIPs = [{ ip: pod.ip }];
    }
    status.startTime = rfc3339(pod.startTime);
    status.containerStatuses = pod.containers.map(containerStatus);
  }
  status.qosClass = pod.qosClass;
  return status;
}
