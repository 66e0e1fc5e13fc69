// Objects that mostly sit still: namespaces, RBAC, config, admission configuration, storage and
// ingress classes, policies. Values follow what kubeadm/EKS-style clusters and common add-ons create.
import type { Ctx } from './model.ts';
import type { NewObject } from './sim.ts';
import type { ResourceType } from './resources.ts';
import { R } from './resources.ts';
import { CSI_DRIVER } from './statefulset.ts';
import { contentHash } from './rand.ts';

const CA_PEM = `-----BEGIN CERTIFICATE-----\nMIIC/jCCAeagAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\ncm5ldGVzMB4XDTI1MDEwMTAwMDAwMFoXDTM1MDEwMTAwMDAwMFowFTETMBEGA1UE\nAxMKa3ViZXJuZXRlczCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAL0s\n-----END CERTIFICATE-----\n`;
const CA_BUNDLE = Buffer.from(CA_PEM).toString('base64');

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}

export class StaticObjects {
  private readonly ctx: Ctx;
  private readonly at: number;

  constructor(ctx: Ctx, createdAt: number) {
    this.ctx = ctx;
    this.at = createdAt;
  }

  private make(type: ResourceType, obj: NewObject, offsetMs = 0): void {
    obj.metadata.creationTimestamp ??= this.ctx.sim.ts(this.at + offsetMs);
    this.ctx.sim.create(type, obj);
  }

  namespace(name: string, labels: Record<string, string> = {}): void {
    this.make(R.namespaces, {
      metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    });
    // Every namespace gets these from the root-ca-cert-publisher and serviceaccount controllers.
    this.make(R.configmaps, {
      metadata: {
        name: 'kube-root-ca.crt',
        namespace: name,
        annotations: {
          'kubernetes.io/description':
            'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
        },
      },
      data: { 'ca.crt': CA_PEM },
    });
    this.serviceAccount(name, 'default');
  }

  serviceAccount(namespace: string, name: string, labels?: Record<string, string>): void {
    this.make(R.serviceaccounts, { metadata: { name, namespace, ...(labels ? { labels } : {}) } });
  }

  configMap(
    namespace: string,
    name: string,
    data: Record<string, string>,
    labels?: Record<string, string>,
  ): void {
    this.make(R.configmaps, { metadata: { name, namespace, ...(labels ? { labels } : {}) }, data });
  }

  opaqueSecret(
    namespace: string,
    name: string,
    data: Record<string, string>,
    labels?: Record<string, string>,
  ): void {
    const enc: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) enc[k] = b64(v);
    this.make(R.secrets, {
      metadata: { name, namespace, ...(labels ? { labels } : {}) },
      type: 'Opaque',
      data: enc,
    });
  }

  dockerConfigSecret(namespace: string, name: string, registry: string): void {
    const auth = b64(`robot:${contentHash(`${namespace}/${name}`, 24)}`);
    this.make(R.secrets, {
      metadata: { name, namespace },
      type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': b64(JSON.stringify({ auths: { [registry]: { auth } } })) },
    });
  }

  /** A long-lived token Secret (the legacy, manually requested kind since 1.24). */
  tokenSecret(namespace: string, serviceAccount: string, saUid: string | undefined): void {
    const annotations: Record<string, string> = { 'kubernetes.io/service-account.name': serviceAccount };
    if (saUid) annotations['kubernetes.io/service-account.uid'] = saUid;
    this.make(R.secrets, {
      metadata: { name: `${serviceAccount}-token`, namespace, annotations },
      type: 'kubernetes.io/service-account-token',
      data: {
        'ca.crt': b64(CA_PEM),
        namespace: b64(namespace),
        token: b64(`eyJhbGciOiJSUzI1NiIsImtpZCI6IiJ9.${contentHash(`${namespace}/${serviceAccount}`, 64)}`),
      },
    });
  }

  clusterRole(name: string, rules: unknown[], labels?: Record<string, string>): void {
    this.make(R.clusterroles, { metadata: { name, ...(labels ? { labels } : {}) }, rules });
  }

  clusterRoleBinding(name: string, role: string, subjects: unknown[]): void {
    this.make(R.clusterrolebindings, {
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
      subjects,
    });
  }

  role(namespace: string, name: string, rules: unknown[]): void {
    this.make(R.roles, { metadata: { name, namespace }, rules });
  }

  roleBinding(
    namespace: string,
    name: string,
    roleKind: 'Role' | 'ClusterRole',
    role: string,
    subjects: unknown[],
  ): void {
    this.make(R.rolebindings, {
      metadata: { name, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
      subjects,
    });
  }

  rbac(appNamespaces: string[]): void {
    const bootstrap = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
    this.clusterRole(
      'cluster-admin',
      [
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
        { nonResourceURLs: ['*'], verbs: ['*'] },
      ],
      bootstrap,
    );
    this.clusterRole(
      'view',
      [
        {
          apiGroups: ['', 'apps', 'batch'],
          resources: ['pods', 'services', 'deployments', 'jobs', 'configmaps'],
          verbs: ['get', 'list', 'watch'],
        },
      ],
      { ...bootstrap, 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' },
    );
    this.clusterRole(
      'edit',
      [
        {
          apiGroups: ['', 'apps', 'batch'],
          resources: ['pods', 'services', 'deployments', 'jobs', 'configmaps', 'secrets'],
          verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
        },
      ],
      bootstrap,
    );
    this.clusterRole(
      'system:node',
      [
        {
          apiGroups: [''],
          resources: ['nodes', 'nodes/status', 'pods/status'],
          verbs: ['get', 'list', 'watch', 'patch', 'update'],
        },
      ],
      bootstrap,
    );
    this.clusterRole('watchingcat-agent', [
      {
        apiGroups: [''],
        resources: [
          'nodes',
          'nodes/proxy',
          'nodes/stats',
          'pods',
          'services',
          'endpoints',
          'namespaces',
          'events',
        ],
        verbs: ['get', 'list', 'watch'],
      },
      { apiGroups: ['apps', 'batch', 'autoscaling'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
    ]);
    this.clusterRoleBinding('cluster-admin', 'cluster-admin', [
      { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' },
    ]);
    this.clusterRoleBinding('watchingcat-agent', 'watchingcat-agent', [
      { kind: 'ServiceAccount', name: 'watchingcat-agent', namespace: 'watchingcat' },
    ]);
    this.clusterRoleBinding('system:kube-proxy', 'system:node-proxier', [
      { kind: 'ServiceAccount', name: 'kube-proxy', namespace: 'kube-system' },
    ]);
    this.role('kube-system', 'extension-apiserver-authentication-reader', [
      {
        apiGroups: [''],
        resourceNames: ['extension-apiserver-authentication'],
        resources: ['configmaps'],
        verbs: ['get', 'list', 'watch'],
      },
    ]);
    this.roleBinding(
      'kube-system',
      'metrics-server-auth-reader',
      'Role',
      'extension-apiserver-authentication-reader',
      [{ kind: 'ServiceAccount', name: 'metrics-server', namespace: 'kube-system' }],
    );
    for (const ns of appNamespaces) {
      this.role(ns, 'developer', [
        {
          apiGroups: ['', 'apps'],
          resources: ['pods', 'pods/log', 'deployments', 'configmaps'],
          verbs: ['get', 'list', 'watch'],
        },
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
      ]);
      this.roleBinding(ns, 'developers', 'Role', 'developer', [
        { apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: `${ns}-developers` },
      ]);
      this.roleBinding(ns, 'ci-deployer', 'ClusterRole', 'edit', [
        { kind: 'ServiceAccount', name: 'default', namespace: ns },
      ]);
    }
  }

  policies(namespace: string): void {
    this.make(R.limitranges, {
      metadata: { name: 'default-limits', namespace },
      spec: {
        limits: [
          {
            type: 'Container',
            default: { cpu: '500m', memory: '512Mi' },
            defaultRequest: { cpu: '100m', memory: '128Mi' },
            max: { cpu: '4', memory: '8Gi' },
            min: { cpu: '10m', memory: '16Mi' },
            maxLimitRequestRatio: { cpu: '10' },
          },
          { type: 'PersistentVolumeClaim', max: { storage: '100Gi' }, min: { storage: '1Gi' } },
        ],
      },
    });
    this.make(R.networkpolicies, {
      metadata: { name: 'default-deny-ingress', namespace },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    });
    this.make(R.networkpolicies, {
      metadata: { name: 'allow-same-namespace', namespace },
      spec: {
        podSelector: {},
        ingress: [
          { from: [{ podSelector: {} }] },
          {
            from: [
              { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
            ],
            ports: [{ protocol: 'TCP', port: 8080 }],
          },
        ],
        policyTypes: ['Ingress'],
      },
    });
  }

  storageClasses(): void {
    this.make(R.storageclasses, {
      metadata: { name: 'gp3', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: CSI_DRIVER,
      parameters: { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });
    this.make(R.storageclasses, {
      metadata: { name: 'gp2' },
      provisioner: 'kubernetes.io/aws-ebs',
      parameters: { type: 'gp2', fsType: 'ext4' },
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: false,
    });
  }

  ingress(
    namespace: string,
    name: string,
    host: string,
    service: string,
    port: number,
    lbHostname: string,
  ): void {
    this.make(R.ingressclasses, {
      metadata: {
        name: 'nginx',
        labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
        annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' },
      },
      spec: { controller: 'k8s.io/ingress-nginx' },
    });
    this.make(R.ingresses, {
      metadata: {
        name,
        namespace,
        annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '8m' },
        generation: 1,
      },
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: [host], secretName: `${name}-tls` }],
        rules: [
          {
            host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: service, port: { number: port } } },
                },
              ],
            },
          },
        ],
      },
      status: { loadBalancer: { ingress: [{ hostname: lbHostname }] } },
    });
    this.make(R.secrets, {
      metadata: { name: `${name}-tls`, namespace },
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': b64(CA_PEM),
        'tls.key': b64('-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n'),
      },
    });
  }

  admission(): void {
    const svcRef = (namespace: string, name: string, path: string) => ({
      service: { namespace, name, path, port: 443 },
      caBundle: CA_BUNDLE,
    });
    this.make(R.mutatingwebhookconfigurations, {
      metadata: {
        name: 'watchingcat-pod-annotator',
        labels: { 'app.kubernetes.io/name': 'watchingcat' },
        generation: 1,
      },
      webhooks: [
        {
          name: 'pods.annotate.watchingcat.io',
          admissionReviewVersions: ['v1'],
          clientConfig: svcRef('watchingcat', 'watchingcat-webhook', '/mutate-pods'),
          failurePolicy: 'Ignore',
          matchPolicy: 'Equivalent',
          namespaceSelector: {
            matchExpressions: [
              { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system'] },
            ],
          },
          objectSelector: {},
          reinvocationPolicy: 'Never',
          rules: [
            { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*' },
          ],
          sideEffects: 'None',
          timeoutSeconds: 5,
        },
      ],
    });
    this.make(R.validatingwebhookconfigurations, {
      metadata: {
        name: 'ingress-nginx-admission',
        labels: {
          'app.kubernetes.io/name': 'ingress-nginx',
          'app.kubernetes.io/component': 'admission-webhook',
        },
        generation: 1,
      },
      webhooks: [
        {
          name: 'validate.nginx.ingress.kubernetes.io',
          admissionReviewVersions: ['v1'],
          clientConfig: svcRef(
            'ingress-nginx',
            'ingress-nginx-controller-admission',
            '/networking/v1/ingresses',
          ),
          failurePolicy: 'Fail',
          matchPolicy: 'Equivalent',
          namespaceSelector: {},
          objectSelector: {},
          rules: [
            {
              apiGroups: ['networking.k8s.io'],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['ingresses'],
              scope: '*',
            },
          ],
          sideEffects: 'None',
          timeoutSeconds: 10,
        },
      ],
    });
    const matchDeployments = {
      matchPolicy: 'Equivalent',
      namespaceSelector: {},
      objectSelector: {},
      resourceRules: [
        {
          apiGroups: ['apps'],
          apiVersions: ['v1'],
          operations: ['CREATE', 'UPDATE'],
          resources: ['deployments'],
          scope: '*',
        },
      ],
    };
    this.make(R.validatingadmissionpolicies, {
      metadata: { name: 'require-team-label', generation: 1 },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: matchDeployments,
        validations: [
          {
            expression:
              "has(object.metadata.labels) && 'app.kubernetes.io/part-of' in object.metadata.labels",
            message: 'deployments must say which application they are part of',
          },
        ],
        auditAnnotations: [],
        matchConditions: [],
        variables: [],
      },
      status: { observedGeneration: 1, typeChecking: {} },
    });
    this.make(R.validatingadmissionpolicybindings, {
      metadata: { name: 'require-team-label-binding', generation: 1 },
      spec: {
        policyName: 'require-team-label',
        validationActions: ['Warn', 'Audit'],
        matchResources: {
          matchPolicy: 'Equivalent',
          namespaceSelector: {
            matchExpressions: [
              {
                key: 'kubernetes.io/metadata.name',
                operator: 'NotIn',
                values: ['kube-system', 'kube-public', 'kube-node-lease'],
              },
            ],
          },
          objectSelector: {},
        },
      },
    });
    this.make(R.mutatingadmissionpolicies, {
      metadata: { name: 'default-team-label', generation: 1 },
      spec: {
        failurePolicy: 'Fail',
        reinvocationPolicy: 'Never',
        matchConstraints: {
          ...matchDeployments,
          resourceRules: [{ ...matchDeployments.resourceRules[0], operations: ['CREATE'] }],
        },
        mutations: [
          {
            patchType: 'ApplyConfiguration',
            applyConfiguration: {
              expression: 'Object{metadata: Object.metadata{labels: {"team": "unassigned"}}}',
            },
          },
        ],
        matchConditions: [
          {
            name: 'no-team-label',
            expression: "!has(object.metadata.labels) || !('team' in object.metadata.labels)",
          },
        ],
      },
    });
    this.make(R.mutatingadmissionpolicybindings, {
      metadata: { name: 'default-team-label-binding', generation: 1 },
      spec: {
        policyName: 'default-team-label',
        matchResources: {
          matchPolicy: 'Equivalent',
          namespaceSelector: { matchLabels: { 'watchingcat.io/team-defaults': 'enabled' } },
          objectSelector: {},
        },
      },
    });
  }

  /** An approved and issued kubelet serving certificate request. */
  csr(nodeName: string, nodeIP: string): void {
    const t = this.ctx.sim.ts(this.at + 60_000);
    this.make(
      R.certificatesigningrequests,
      {
        metadata: { name: `csr-${contentHash(`csr/${nodeName}`, 5)}`, generateName: 'csr-' },
        spec: {
          request: b64(
            `-----BEGIN CERTIFICATE REQUEST-----\n${contentHash(`req/${nodeName}/${nodeIP}`, 64)}\n-----END CERTIFICATE REQUEST-----\n`,
          ),
          signerName: 'kubernetes.io/kubelet-serving',
          expirationSeconds: 31536000,
          usages: ['digital signature', 'server auth'],
          username: `system:node:${nodeName}`,
          groups: ['system:nodes', 'system:authenticated'],
        },
        status: {
          conditions: [
            {
              type: 'Approved',
              status: 'True',
              reason: 'AutoApproved',
              message: 'Auto approving kubelet serving certificate after SubjectAccessReview.',
              lastUpdateTime: t,
              lastTransitionTime: t,
            },
          ],
          certificate: CA_BUNDLE,
        },
      },
      60_000,
    );
  }
}
