// Building blocks for realistic workloads: images, container specs with the three QoS shapes,
// and pod templates for the system components a cluster of this kind runs.
import type { Rng } from './rand.ts';
import type { PodTemplate } from './model.ts';
import type { ContainerSpec } from './podspec.ts';
import { KUBELET_VERSION } from './nodes.ts';

export type Qos = 'Guaranteed' | 'Burstable' | 'BestEffort';

export interface AppShape {
  image: string;
  port: number;
  qos: Qos;
  cpuMilli: number;
  memMi: number;
}

const APP_IMAGES = [
  'ghcr.io/acme/{name}:1.{minor}.{patch}',
  'docker.io/library/nginx:1.27.3',
  'docker.io/library/node:22.12-alpine',
  'docker.io/library/python:3.12-slim',
  'docker.io/library/golang:1.23',
];

export function appShape(rng: Rng, name: string): AppShape {
  const tmpl = rng.chance(0.75) ? (APP_IMAGES[0] as string) : rng.pick(APP_IMAGES.slice(1));
  const image = tmpl
    .replace('{name}', name)
    .replace('{minor}', String(rng.int(0, 12)))
    .replace('{patch}', String(rng.int(0, 9)));
  const r = rng.next();
  const qos: Qos = r < 0.2 ? 'Guaranteed' : r < 0.92 ? 'Burstable' : 'BestEffort';
  return {
    image,
    port: rng.pick([8080, 8080, 3000, 5000, 9090]),
    qos,
    cpuMilli: rng.pick([25, 50, 100, 100, 150, 200, 250]),
    memMi: rng.pick([64, 128, 128, 256, 256, 512]),
  };
}

export function resources(qos: Qos, cpuMilli: number, memMi: number): ContainerSpec['resources'] {
  if (qos === 'BestEffort') return {};
  if (qos === 'Guaranteed') {
    const q = { cpu: `${cpuMilli}m`, memory: `${memMi}Mi` };
    return { requests: { ...q }, limits: { ...q } };
  }
  return { requests: { cpu: `${cpuMilli}m`, memory: `${memMi}Mi` }, limits: { memory: `${memMi * 2}Mi` } };
}

export function appLabels(name: string, partOf: string): Record<string, string> {
  return { app: name, 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': partOf };
}

/** A typical stateless app: one container with env, a config volume and probes. */
export function appTemplate(name: string, namespace: string, shape: AppShape): PodTemplate {
  const container: ContainerSpec = {
    name,
    image: shape.image,
    ports: [{ name: 'http', containerPort: shape.port, protocol: 'TCP' }],
    env: [
      { name: 'PORT', value: String(shape.port) },
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      {
        name: 'DATABASE_PASSWORD',
        valueFrom: { secretKeyRef: { name: `${name}-secrets`, key: 'password' } },
      },
    ],
    resources: resources(shape.qos, shape.cpuMilli, shape.memMi),
    readinessProbe: {
      httpGet: { path: '/healthz', port: shape.port, scheme: 'HTTP' },
      initialDelaySeconds: 5,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    },
    livenessProbe: {
      httpGet: { path: '/livez', port: shape.port, scheme: 'HTTP' },
      periodSeconds: 20,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    },
    volumeMounts: [{ name: 'config', mountPath: '/etc/app' }],
  };
  return {
    labels: appLabels(name, namespace),
    spec: {
      containers: [container],
      serviceAccountName: name,
      volumes: [{ name: 'config', configMap: { name: `${name}-config`, defaultMode: 420 } }],
    },
  };
}

const CRITICAL_TOLERATIONS = [{ operator: 'Exists' }];

export function kubeProxyTemplate(): PodTemplate {
  return {
    labels: { 'k8s-app': 'kube-proxy' },
    spec: {
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
      priority: 2000001000,
      serviceAccountName: 'kube-proxy',
      tolerations: CRITICAL_TOLERATIONS,
      containers: [
        {
          name: 'kube-proxy',
          image: `registry.k8s.io/kube-proxy:${KUBELET_VERSION}`,
          command: [
            'kube-proxy',
            '--config=/var/lib/kube-proxy/config.conf',
            '--hostname-override=$(NODE_NAME)',
          ],
          env: [
            { name: 'NODE_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } } },
          ],
          resources: { requests: { cpu: '100m' } },
          securityContext: { privileged: true },
          volumeMounts: [{ name: 'kube-proxy', mountPath: '/var/lib/kube-proxy' }],
        },
      ],
      volumes: [{ name: 'kube-proxy', configMap: { name: 'kube-proxy', defaultMode: 420 } }],
    },
  };
}

export function agentTemplate(): PodTemplate {
  return {
    labels: { 'app.kubernetes.io/name': 'watchingcat-agent', 'app.kubernetes.io/component': 'agent' },
    spec: {
      serviceAccountName: 'watchingcat-agent',
      priorityClassName: 'system-node-critical',
      priority: 2000001000,
      tolerations: CRITICAL_TOLERATIONS,
      containers: [
        {
          name: 'agent',
          image: 'ghcr.io/watchingcat/watchingcat:0.1.0',
          args: ['agent', '--config=/etc/watchingcat/agent.yaml'],
          env: [
            {
              name: 'K8S_NODE_NAME',
              valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'spec.nodeName' } },
            },
            {
              name: 'K8S_POD_NAME',
              valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } },
            },
          ],
          ports: [
            { name: 'otlp-grpc', containerPort: 4317, protocol: 'TCP' },
            { name: 'metrics', containerPort: 8888, protocol: 'TCP' },
          ],
          resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '512Mi' } },
          volumeMounts: [
            { name: 'config', mountPath: '/etc/watchingcat' },
            { name: 'varlog', mountPath: '/var/log', readOnly: true },
          ],
        },
      ],
      volumes: [
        { name: 'config', configMap: { name: 'watchingcat-agent', defaultMode: 420 } },
        { name: 'varlog', hostPath: { path: '/var/log', type: '' } },
      ],
    },
  };
}

export function csiNodeTemplate(): PodTemplate {
  return {
    labels: { app: 'ebs-csi-node', 'app.kubernetes.io/name': 'aws-ebs-csi-driver' },
    spec: {
      serviceAccountName: 'ebs-csi-node-sa',
      priorityClassName: 'system-node-critical',
      priority: 2000001000,
      tolerations: CRITICAL_TOLERATIONS,
      containers: [
        {
          name: 'ebs-plugin',
          image: 'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.38.1',
          args: ['node', '--endpoint=$(CSI_ENDPOINT)'],
          resources: { requests: { cpu: '10m', memory: '40Mi' }, limits: { memory: '256Mi' } },
        },
        {
          name: 'node-driver-registrar',
          image: 'public.ecr.aws/eks-distro/kubernetes-csi/node-driver-registrar:v2.12.0',
          resources: { requests: { cpu: '10m', memory: '40Mi' }, limits: { memory: '256Mi' } },
        },
        {
          name: 'liveness-probe',
          image: 'public.ecr.aws/eks-distro/kubernetes-csi/livenessprobe:v2.14.0',
          resources: { requests: { cpu: '10m', memory: '40Mi' }, limits: { memory: '256Mi' } },
        },
      ],
    },
  };
}

export function simpleTemplate(
  labels: Record<string, string>,
  containerName: string,
  image: string,
  qos: Qos,
  cpuMilli: number,
  memMi: number,
  extra: Record<string, unknown> = {},
  port?: number,
): PodTemplate {
  const c: ContainerSpec = { name: containerName, image, resources: resources(qos, cpuMilli, memMi) };
  if (port !== undefined) c.ports = [{ containerPort: port, protocol: 'TCP' }];
  return { labels, spec: { containers: [c], ...extra } };
}

export const CORE_DNS_IMAGE = 'registry.k8s.io/coredns/coredns:v1.11.3';

/** kubeadm-style static pods on the control-plane node (mirror pods in the API). */
export function staticPodTemplates(): { name: string; template: PodTemplate }[] {
  const mk = (component: string, image: string, cpu: number, mem: number) => ({
    name: component,
    template: {
      labels: { component, tier: 'control-plane' },
      annotations: {
        'kubernetes.io/config.hash': '',
        'kubernetes.io/config.mirror': '',
        'kubernetes.io/config.seen': '',
        'kubernetes.io/config.source': 'file',
      },
      spec: {
        hostNetwork: true,
        priorityClassName: 'system-node-critical',
        priority: 2000001000,
        tolerations: [{ operator: 'Exists', effect: 'NoExecute' }],
        containers: [
          {
            name: component,
            image,
            command: [component],
            resources: { requests: mem > 0 ? { cpu: `${cpu}m`, memory: `${mem}Mi` } : { cpu: `${cpu}m` } },
          },
        ],
      },
    } as PodTemplate,
  });
  return [
    mk('etcd', 'registry.k8s.io/etcd:3.5.16-0', 100, 100),
    mk('kube-apiserver', `registry.k8s.io/kube-apiserver:${KUBELET_VERSION}`, 250, 0),
    mk('kube-controller-manager', `registry.k8s.io/kube-controller-manager:${KUBELET_VERSION}`, 200, 0),
    mk('kube-scheduler', `registry.k8s.io/kube-scheduler:${KUBELET_VERSION}`, 100, 0),
  ];
}
