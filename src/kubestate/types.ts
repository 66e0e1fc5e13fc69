// The kube-state metric model, after kube-state-metrics' family generators: a resource type
// (pods, deployments, ...) has identifying labels and a list of metric families; each family
// turns one object into zero or more series. The exposition cache (cache.ts) serializes each
// object's families once per object change; a scrape concatenates those strings.
import type { ObjectMeta } from '../k8s/types.ts';

/** The `# TYPE` of a family. `info` and `stateset` are written as `gauge` in the text format. */
export type MetricType = 'gauge' | 'counter' | 'info' | 'stateset';

/** One series of a family, without the identifying labels (the resource adds those first). */
export interface Metric {
  readonly keys: readonly string[];
  readonly values: readonly string[];
  readonly value: number;
}

/** What a family generator may depend on besides the object. */
export interface GenerateContext {
  /** Kubernetes label keys allowed as `label_*` Prometheus labels for this resource (KSM allow-list semantics). */
  readonly allowLabels: readonly string[];
  /** Annotation keys allowed as `annotation_*` labels for this resource. */
  readonly allowAnnotations: readonly string[];
  /** Wall-clock time in milliseconds (CronJob next-schedule computations). */
  now(): number;
}

export interface FamilyDef<T> {
  readonly name: string;
  readonly type: MetricType;
  /** Help text without the stability and deprecation prefixes (added by the formatter). */
  readonly help: string;
  readonly stability: 'stable' | 'experimental';
  /** e.g. "v2.14.0": the help line then reads "(Deprecated since v2.14.0) ...". */
  readonly deprecatedVersion?: string;
  /** Exposed only when named in the opt-in list (kube-state-metrics' --metric-opt-in-list). */
  readonly optIn?: boolean;
  generate(obj: T, ctx: GenerateContext): Metric[];
}

/** The minimum every object has; resource files declare the fields they read on top of it. */
export interface KubeResourceObject {
  metadata: ObjectMeta;
}

export interface ResourceDef<T extends KubeResourceObject = KubeResourceObject> {
  /** Lower-case plural, as in kube-state-metrics' --resources and the API path: "pods". */
  readonly resource: string;
  readonly kind: string;
  /** API group ('' for core) and the version we list/watch. */
  readonly group: string;
  readonly version: string;
  readonly namespaced: boolean;
  /** In kube-state-metrics' default --resources. */
  readonly enabledByDefault: boolean;
  /** Label names prepended to every series, e.g. ["namespace", "pod", "uid"]. */
  readonly identifyingLabels: readonly string[];
  /** Values of identifyingLabels for one object, in the same order. */
  identify(obj: T): string[];
  readonly families: readonly FamilyDef<T>[];
}
