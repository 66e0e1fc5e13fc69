// What k8sattributes adds for one pod (and container): the configured metadata, label and
// annotation tags, and service.* per the semantic conventions. Pure: pod + container + the pod's
// namespace and node → key/value pairs, computed once per pod version and cached by the caller.
import { compileGoRegexp } from '../../../attraction/go-regexp.ts';
import type { ObjectMeta } from '../../../k8s/meta-table.ts';
import { parseImage, type ContainerInfo, type PodInfo } from '../../../k8s/pod-info.ts';
import type { AnyValue, KeyValue } from '../../../model/common.ts';
import type { FieldExtract, K8sAttributesConfig, MetadataKey } from './config.ts';

const OTEL_ANNOTATION = 'resource.opentelemetry.io/';

/** The container a resource belongs to, with the restart it came from when the resource says. */
export interface ContainerRef {
  container: ContainerInfo;
  restartCount: number | undefined;
}

interface CompiledField {
  from: 'pod' | 'namespace' | 'node';
  key?: string;
  regex?: RegExp;
  tag?: string;
  kind: 'label' | 'annotation';
}

function compileFields(list: FieldExtract[], kind: 'label' | 'annotation'): CompiledField[] {
  return list.map((f) => ({
    from: f.from,
    kind,
    ...(f.key !== undefined ? { key: f.key } : {}),
    ...(f.key_regex !== undefined ? { regex: compileGoRegexp(`^(?:${f.key_regex})$`) } : {}),
    ...(f.tag_name !== undefined ? { tag: f.tag_name } : {}),
  }));
}

/** `k8s.pod.label.<key>` etc. (semantic conventions v1; see config.ts). */
function defaultTag(from: CompiledField['from'], kind: CompiledField['kind'], key: string): string {
  return `k8s.${from}.${kind}.${key}`;
}

/** `$1`, `${1}`, `${name}` in a tag name take the key's regex groups (Go's Regexp.Expand). */
function expandTag(tag: string, m: RegExpExecArray): string {
  return tag.replace(/\$(\d+|\{(\w+)\})/g, (_all, num: string, named: string | undefined) => {
    if (named !== undefined) return (/^\d+$/.test(named) ? m[Number(named)] : m.groups?.[named]) ?? '';
    return m[Number(num)] ?? '';
  });
}

export class Extractor {
  private readonly metadata: ReadonlySet<MetadataKey>;
  private readonly fields: CompiledField[];
  private readonly otelAnnotations: boolean;
  /** Whether rules read the namespace's / node's labels or annotations (the caller then watches them). */
  readonly needsNamespaces: boolean;
  readonly needsNodes: boolean;

  constructor(cfg: K8sAttributesConfig['extract']) {
    this.metadata = new Set(cfg.metadata);
    this.fields = [...compileFields(cfg.labels, 'label'), ...compileFields(cfg.annotations, 'annotation')];
    this.otelAnnotations = cfg.otel_annotations;
    this.needsNamespaces = this.fields.some((f) => f.from === 'namespace');
    this.needsNodes = this.fields.some((f) => f.from === 'node') || this.metadata.has('k8s.node.uid');
  }

  /** Whether any attribute depends on the container (callers key their cache on it then). */
  wantsContainer(): boolean {
    for (const k of this.metadata) if (k.startsWith('container.') || k === 'k8s.container.name') return true;
    return (
      this.metadata.has('service.name') ||
      this.metadata.has('service.instance.id') ||
      this.metadata.has('service.version')
    );
  }

  attributes(
    pod: PodInfo,
    ref: ContainerRef | undefined,
    namespace: ObjectMeta | undefined,
    node: ObjectMeta | undefined,
  ): KeyValue[] {
    const out: KeyValue[] = [];
    const seen = new Set<string>();
    const put = (key: string, value: string | string[] | undefined): void => {
      if (value === undefined || value === '' || seen.has(key)) return;
      seen.add(key);
      const v: AnyValue = Array.isArray(value)
        ? { arrayValue: { values: value.map((s) => ({ stringValue: s })) } }
        : { stringValue: value };
      out.push({ key, value: v });
    };
    const m = this.metadata;
    const workload = (kind: string): { name: string; uid: string } | undefined => {
      const w = pod.workloads.find((x) => x.kind === kind);
      if (!w) return undefined;
      return { name: w.name, uid: pod.controller?.kind === kind ? pod.controller.uid : '' };
    };
    const c = ref?.container;
    const image = c ? parseImage(c.image) : undefined;

    // Annotations the pod's author wrote win over anything derived (semantic conventions).
    if (this.otelAnnotations)
      for (const [k, v] of Object.entries(pod.annotations))
        if (k.startsWith(OTEL_ANNOTATION) && k.length > OTEL_ANNOTATION.length)
          put(k.slice(OTEL_ANNOTATION.length), v);

    if (m.has('k8s.namespace.name')) put('k8s.namespace.name', pod.namespace);
    if (m.has('k8s.pod.name')) put('k8s.pod.name', pod.name);
    if (m.has('k8s.pod.uid')) put('k8s.pod.uid', pod.uid);
    if (m.has('k8s.pod.start_time')) put('k8s.pod.start_time', pod.startTime);
    if (m.has('k8s.pod.hostname')) put('k8s.pod.hostname', pod.hostname);
    if (m.has('k8s.pod.ip')) put('k8s.pod.ip', pod.ips[0]);
    if (m.has('k8s.node.name')) put('k8s.node.name', pod.nodeName);
    if (m.has('k8s.node.uid')) put('k8s.node.uid', node?.uid);
    for (const [kind, attr] of [
      ['ReplicaSet', 'k8s.replicaset'],
      ['Deployment', 'k8s.deployment'],
      ['StatefulSet', 'k8s.statefulset'],
      ['DaemonSet', 'k8s.daemonset'],
      ['Job', 'k8s.job'],
      ['CronJob', 'k8s.cronjob'],
    ] as const) {
      const w = workload(kind);
      if (!w) continue;
      if (m.has(`${attr}.name` as MetadataKey)) put(`${attr}.name`, w.name);
      if (m.has(`${attr}.uid` as MetadataKey)) put(`${attr}.uid`, w.uid);
    }
    if (c) {
      if (m.has('k8s.container.name')) put('k8s.container.name', c.name);
      if (m.has('container.id')) {
        const inst =
          ref.restartCount !== undefined
            ? c.instances.find((i) => i.restartCount === ref.restartCount)
            : c.instances[0];
        put('container.id', inst?.id);
      }
      if (m.has('container.image.name')) put('container.image.name', image?.name);
      if (m.has('container.image.tag')) put('container.image.tag', image?.tag);
      if (m.has('container.image.repo_digests') && c.imageId?.includes('@'))
        put('container.image.repo_digests', [c.imageId.replace(/^docker-pullable:\/\//, '')]);
    }

    if (m.has('service.name')) put('service.name', this.serviceName(pod, c));
    if (m.has('service.namespace'))
      put('service.namespace', pod.annotations[`${OTEL_ANNOTATION}service.namespace`] ?? pod.namespace);
    if (m.has('service.version'))
      put(
        'service.version',
        pod.annotations[`${OTEL_ANNOTATION}service.version`] ??
          pod.labels['app.kubernetes.io/version'] ??
          (image?.tag !== 'latest' ? image?.tag : undefined),
      );
    if (m.has('service.instance.id'))
      put(
        'service.instance.id',
        pod.annotations[`${OTEL_ANNOTATION}service.instance.id`] ??
          (c ? `${pod.namespace}.${pod.name}.${c.name}` : undefined),
      );

    for (const f of this.fields) {
      const source =
        f.from === 'pod'
          ? f.kind === 'label'
            ? pod.labels
            : pod.annotations
          : f.from === 'namespace'
            ? f.kind === 'label'
              ? namespace?.labels
              : namespace?.annotations
            : f.kind === 'label'
              ? node?.labels
              : node?.annotations;
      if (!source) continue;
      if (f.key !== undefined) {
        const v = source[f.key];
        if (v !== undefined) put(f.tag ?? defaultTag(f.from, f.kind, f.key), v);
        continue;
      }
      for (const [k, v] of Object.entries(source)) {
        f.regex!.lastIndex = 0;
        const match = f.regex!.exec(k);
        if (match) put(f.tag !== undefined ? expandTag(f.tag, match) : defaultTag(f.from, f.kind, k), v);
      }
    }
    return out;
  }

  /**
   * service.name per the semantic conventions for Kubernetes: the pod's
   * `resource.opentelemetry.io/service.name` annotation, then the `app.kubernetes.io/instance`
   * and `app.kubernetes.io/name` labels, then the outermost workload, the pod, the container.
   */
  serviceName(pod: PodInfo, c: ContainerInfo | undefined): string | undefined {
    const fromMeta =
      pod.annotations[`${OTEL_ANNOTATION}service.name`] ??
      pod.labels['app.kubernetes.io/instance'] ??
      pod.labels['app.kubernetes.io/name'];
    if (fromMeta) return fromMeta;
    for (const kind of ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'CronJob', 'Job']) {
      const w = pod.workloads.find((x) => x.kind === kind);
      if (w) return w.name;
    }
    return pod.name || c?.name;
  }
}
