// Node and Pod objects shaped as a Kubernetes 1.32 API server returns them, for tests.

import { createHash } from 'node:crypto';
import type { KubeObject } from '../../types.ts';

export const NODES = { group: '', resource: 'nodes' };
export const PODS = { group: '', resource: 'pods' };

export function nodeObject(name: string, cpu = '4', memory = '16Gi'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' } },
    spec: { podCIDR: '10.244.1.0/24' },
    status: {
      capacity: { cpu, memory, pods: '110', 'ephemeral-storage': '102400Mi' },
      allocatable: { cpu, memory, pods: '110' },
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      nodeInfo: { kubeletVersion: 'v1.32.2', containerRuntimeVersion: 'containerd://1.7.24', osImage: 'Ubuntu 24.04' },
    },
  };
}

export interface ContainerSpec {
  name: string;
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

/** A deterministic containerd id for (pod, container, restart). */
export function containerId(podUid: string, name: string, restart: number): string {
  return createHash('sha256').update(`${podUid}/${name}/${restart}`).digest('hex');
}

export function podObject(opts: {
  name: string;
  namespace?: string;
  uid: string;
  nodeName: string;
  qos: 'Guaranteed' | 'Burstable' | 'BestEffort';
  containers: ContainerSpec[];
  restarts?: Record<string, number>;
  phase?: string;
  oomKilled?: string[];
}): KubeObject {
  const restarts = opts.restarts ?? {};
  const started = '2026-01-01T00:00:00Z';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: opts.name,
      namespace: opts.namespace ?? 'default',
      uid: opts.uid,
      labels: { app: opts.name },
    },
    spec: {
      nodeName: opts.nodeName,
      restartPolicy: 'Always',
      containers: opts.containers.map((c) => ({
        name: c.name,
        image: `registry.example/${c.name}:1.0`,
        resources: { ...(c.requests ? { requests: c.requests } : {}), ...(c.limits ? { limits: c.limits } : {}) },
        terminationMessagePath: '/dev/termination-log',
        imagePullPolicy: 'IfNotPresent',
      })),
      volumes: [{ name: 'kube-api-access-x1y2z', projected: { sources: [] } }],
    },
    status: {
      phase: opts.phase ?? 'Running',
      qosClass: opts.qos,
      hostIP: '127.0.0.1',
      podIP: '10.244.1.7',
      startTime: started,
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: opts.containers.map((c) => {
        const n = restarts[c.name] ?? 0;
        return {
          name: c.name,
          ready: true,
          started: true,
          restartCount: n,
          image: `registry.example/${c.name}:1.0`,
          imageID: `registry.example/${c.name}@sha256:${'ab'.repeat(32)}`,
          containerID: `containerd://${containerId(opts.uid, c.name, n)}`,
          state: { running: { startedAt: started } },
          lastState:
            n > 0
              ? {
                  terminated: {
                    exitCode: opts.oomKilled?.includes(c.name) ? 137 : 1,
                    reason: opts.oomKilled?.includes(c.name) ? 'OOMKilled' : 'Error',
                    startedAt: started,
                    finishedAt: started,
                    containerID: `containerd://${containerId(opts.uid, c.name, n - 1)}`,
                  },
                }
              : {},
        };
      }),
    },
  };
}
