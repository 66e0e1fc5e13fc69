// Every built-in component, by kind and type name. The roles choose among them through
// configuration; nothing else imports component folders directly.
//
// Components load on demand: a process imports only the factories its configuration names
// (each brings its schema, code and libraries — ~6 MiB of resident memory for the ones the
// default agent doesn't use). The list of names is static so errors can suggest them.
import type { AnyFactory, ComponentKind } from '../pipeline/component.ts';
import { Registry } from '../pipeline/registry.ts';

type Loader = () => Promise<AnyFactory>;

const f = (m: Promise<{ factory: unknown }>): Promise<AnyFactory> => m.then((x) => x.factory as AnyFactory);

const CATALOG: Record<ComponentKind, Record<string, Loader>> = {
  receiver: {
    otlp: () => f(import('./receivers/otlp/factory.ts')),
    kubestate: () => f(import('./receivers/kubestate/factory.ts')),
    cadvisor: () => f(import('./receivers/cadvisor/factory.ts')),
    kubeletstats: () => f(import('./receivers/kubeletstats/factory.ts')),
    hostmetrics: () => f(import('./receivers/hostmetrics/factory.ts')),
    filelog: () => f(import('./receivers/filelog/factory.ts')),
    selfmetrics: () => f(import('./receivers/selfmetrics/factory.ts')),
    k8s_events: () => f(import('./receivers/k8s_events/factory.ts')),
  },
  processor: {
    batch: () => f(import('./processors/batch/factory.ts')),
    memory_limiter: () => f(import('./processors/memory_limiter/factory.ts')),
    resource: () => f(import('./processors/resource/factory.ts')),
    attributes: () => f(import('./processors/attributes/factory.ts')),
    k8sattributes: () => f(import('./processors/k8sattributes/factory.ts')),
    resourcedetection: () => f(import('./processors/resourcedetection/factory.ts')),
  },
  exporter: {
    otlp: () => f(import('./exporters/otlp/factory.ts')),
    otlphttp: () => f(import('./exporters/otlphttp/factory.ts')),
    debug: () => f(import('./exporters/debug/factory.ts')),
    storage: () => f(import('./exporters/storage/factory.ts')),
  },
  extension: {
    health_check: () => f(import('./extensions/health_check/factory.ts')),
    file_storage: () => f(import('./extensions/file_storage/factory.ts')),
    bearertokenauth: () => f(import('./extensions/bearertokenauth/factory.ts')),
    k8s_leader_elector: () => f(import('./extensions/k8s_leader_elector/factory.ts')),
  },
};

const KINDS: readonly ComponentKind[] = ['receiver', 'processor', 'exporter', 'extension'];

/** Every built-in type name per kind (for suggestions in errors), without loading anything. */
export function builtinTypes(): Record<ComponentKind, string[]> {
  const out = {} as Record<ComponentKind, string[]>;
  for (const k of KINDS) out[k] = Object.keys(CATALOG[k]).sort();
  return out;
}

/** Every built-in factory (documentation, tests). */
export async function loadAllBuiltinFactories(): Promise<AnyFactory[]> {
  return Promise.all(KINDS.flatMap((k) => Object.values(CATALOG[k]).map((load) => load())));
}

/**
 * A registry with the factories a configuration names: `raw` is the parsed configuration (the
 * keys of `receivers:`, `processors:`, `exporters:` and `extensions:` are `type` or
 * `type/name`). Unknown types are left for validation to report, with the full list of names.
 */
export async function builtinRegistryFor(raw: unknown): Promise<Registry> {
  const cfg = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const wanted: Array<Promise<AnyFactory>> = [];
  for (const kind of KINDS) {
    const section = cfg[`${kind}s`];
    if (!section || typeof section !== 'object') continue;
    const types = new Set(Object.keys(section).map((id) => id.split('/')[0]!));
    for (const t of types) {
      const load = Object.hasOwn(CATALOG[kind], t) ? CATALOG[kind][t] : undefined;
      if (load) wanted.push(load());
    }
  }
  return new Registry(await Promise.all(wanted), builtinTypes());
}

/** A registry with every built-in factory. */
export async function builtinRegistry(): Promise<Registry> {
  return new Registry(await loadAllBuiltinFactories(), builtinTypes());
}
