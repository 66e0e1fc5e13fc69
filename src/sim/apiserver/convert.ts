// Representations: how a stored object looks at a requested group/version, and back.
// core v1 Events and events.k8s.io/v1 Events share one storage (core form), as in Kubernetes;
// types served at extra versions (MutatingAdmissionPolicy) differ only in apiVersion.
import { apiVersionOf, type ResourceType } from '../resources.ts';
import type { KubeObject } from '../types.ts';

type Obj = Record<string, unknown>;

function put(o: Obj, k: string, v: unknown): void {
  if (v !== undefined) o[k] = v;
}

/** core v1 Event → events.k8s.io/v1 Event. */
export function coreEventToEventsV1(e: KubeObject): KubeObject {
  const src = (e.source ?? {}) as Obj;
  const out: Obj = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: e.metadata };
  out.eventTime = e.eventTime ?? null;
  if (e.series && typeof e.series === 'object') {
    const s = e.series as Obj;
    out.series = { count: s.count, lastObservedTime: s.lastObservedTime };
  }
  put(out, 'reportingController', e.reportingComponent || src.component || undefined);
  put(out, 'reportingInstance', e.reportingInstance || src.host || undefined);
  put(out, 'action', e.action);
  put(out, 'reason', e.reason);
  put(out, 'regarding', e.involvedObject);
  put(out, 'related', e.related);
  put(out, 'note', e.message);
  put(out, 'type', e.type);
  if (src.component !== undefined || src.host !== undefined) out.deprecatedSource = src;
  put(out, 'deprecatedFirstTimestamp', e.firstTimestamp ?? undefined);
  put(out, 'deprecatedLastTimestamp', e.lastTimestamp ?? undefined);
  put(out, 'deprecatedCount', e.count);
  return out as KubeObject;
}

/** events.k8s.io/v1 Event → core v1 Event (the storage form). */
export function eventsV1ToCoreEvent(e: KubeObject): KubeObject {
  const out: Obj = { apiVersion: 'v1', kind: 'Event', metadata: e.metadata };
  put(out, 'involvedObject', e.regarding ?? {});
  put(out, 'reason', e.reason);
  put(out, 'message', e.note);
  const dep = e.deprecatedSource as Obj | undefined;
  const source: Obj = {};
  put(source, 'component', dep?.component ?? e.reportingController);
  put(source, 'host', dep?.host);
  out.source = source;
  put(out, 'firstTimestamp', e.deprecatedFirstTimestamp);
  put(out, 'lastTimestamp', e.deprecatedLastTimestamp);
  put(out, 'count', e.deprecatedCount);
  put(out, 'type', e.type);
  put(out, 'eventTime', e.eventTime ?? undefined);
  put(out, 'series', e.series);
  put(out, 'action', e.action);
  put(out, 'related', e.related);
  put(out, 'reportingComponent', e.reportingController ?? '');
  put(out, 'reportingInstance', e.reportingInstance ?? '');
  return out as KubeObject;
}

/** True when the stored form is already what this group/version serves. */
export function isStorageForm(t: ResourceType, version: string): boolean {
  return !t.storage && version === t.version;
}

/** The stored object as served by type `t` at `version`. Returns the same object when no change is needed. */
export function toVersion(t: ResourceType, version: string, stored: KubeObject): KubeObject {
  if (t.storage) return coreEventToEventsV1(stored);
  if (version === t.version) return stored;
  return { ...stored, apiVersion: apiVersionOf(t.group, version) };
}

/** A request body for type `t` in its stored form (apiVersion/kind set by the store). */
export function fromVersion(t: ResourceType, obj: KubeObject): KubeObject {
  return t.storage ? eventsV1ToCoreEvent(obj) : obj;
}
