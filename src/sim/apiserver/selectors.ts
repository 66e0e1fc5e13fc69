// Label and field selectors as the Kubernetes API parses and applies them. Parse errors are
// SimApiError 400 BadRequest with the message shape the real server uses.
import type { ResourceType } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { SimApiError } from '../types.ts';

export type LabelOp = '=' | '!=' | 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}

export type Matcher = (obj: KubeObject) => boolean;

function badLabel(sel: string, why: string): SimApiError {
  return new SimApiError(
    400,
    'BadRequest',
    `unable to parse requirement: ${why} (in label selector "${sel}")`,
  );
}

// Qualified names: optional DNS-subdomain prefix + "/" + name of [A-Za-z0-9._-], alnum at ends.
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

function checkKey(sel: string, key: string): void {
  const slash = key.indexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  if (!NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !PREFIX.test(prefix)))) {
    throw badLabel(
      sel,
      `invalid label key "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function checkValue(sel: string, v: string): void {
  if (v.length > 63 || !VALUE.test(v)) {
    throw badLabel(
      sel,
      `invalid label value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

/** Splits on commas outside parentheses. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>3`. Empty input selects everything. */
export function parseLabelSelector(sel: string): LabelRequirement[] {
  const reqs: LabelRequirement[] = [];
  if (sel.trim() === '') return reqs;
  for (const raw of splitTop(sel)) {
    const part = raw.trim();
    if (part === '') throw badLabel(sel, "found '', expected: !, identifier, or 'end of string'");
    let m: RegExpExecArray | null;
    if ((m = /^!\s*([^\s=!<>(),]+)$/.exec(part))) {
      checkKey(sel, m[1]!);
      reqs.push({ key: m[1]!, op: '!', values: [] });
    } else if ((m = /^([^\s=!<>(),]+)\s+(in|notin)\s*\(([^()]*)\)$/.exec(part))) {
      checkKey(sel, m[1]!);
      const values = m[3]!.split(',').map((v) => v.trim());
      if (values.length === 1 && values[0] === '') {
        throw badLabel(sel, `for 'in', 'notin' operators, values set can't be empty`);
      }
      values.forEach((v) => checkValue(sel, v));
      reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values });
    } else if ((m = /^([^\s=!<>(),]+)\s*(==|=|!=|>|<)\s*([^\s=!<>(),]*)$/.exec(part))) {
      checkKey(sel, m[1]!);
      const op = m[2]!;
      const v = m[3]!;
      if (op === '>' || op === '<') {
        if (!/^-?\d+$/.test(v)) throw badLabel(sel, `for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key: m[1]!, op: op === '>' ? 'gt' : 'lt', values: [v] });
      } else {
        checkValue(sel, v);
        reqs.push({ key: m[1]!, op: op === '!=' ? '!=' : '=', values: [v] });
      }
    } else if ((m = /^([^\s=!<>(),]+)$/.exec(part))) {
      checkKey(sel, m[1]!);
      reqs.push({ key: m[1]!, op: 'exists', values: [] });
    } else {
      throw badLabel(sel, `unable to parse "${part}"`);
    }
  }
  return reqs;
}

export function labelsMatch(reqs: LabelRequirement[], labels: Record<string, string> | undefined): boolean {
  for (const r of reqs) {
    const v = labels?.[r.key];
    switch (r.op) {
      case '=':
        if (v !== r.values[0]) return false;
        break;
      case '!=':
        if (v === r.values[0]) return false;
        break;
      case 'in':
        if (v === undefined || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (v !== undefined && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (v === undefined) return false;
        break;
      case '!':
        if (v !== undefined) return false;
        break;
      case 'gt':
      case 'lt': {
        if (v === undefined || !/^-?\d+$/.test(v)) return false;
        const n = Number(v);
        const want = Number(r.values[0]);
        if (r.op === 'gt' ? !(n > want) : !(n < want)) return false;
      }
    }
  }
  return true;
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}

type FieldGetter = (o: KubeObject) => string;

function path(o: unknown, ...keys: string[]): string {
  let cur = o;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[k];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'string' ? cur : String(cur);
}

const INVOLVED = ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath'];

/** Fields each type supports besides metadata.name/metadata.namespace (what kube-apiserver registers). */
function fieldGetters(t: ResourceType): Record<string, FieldGetter> {
  const g: Record<string, FieldGetter> = {
    'metadata.name': (o) => o.metadata.name,
    'metadata.namespace': (o) => o.metadata.namespace ?? '',
  };
  const key = `${t.group}/${t.resource}`;
  switch (key) {
    case '/pods':
      for (const f of ['nodeName', 'restartPolicy', 'schedulerName', 'serviceAccountName', 'hostNetwork']) {
        g[`spec.${f}`] = (o) =>
          f === 'hostNetwork' ? String(path(o, 'spec', f) === 'true') : path(o, 'spec', f);
      }
      for (const f of ['phase', 'podIP', 'nominatedNodeName']) g[`status.${f}`] = (o) => path(o, 'status', f);
      break;
    case '/events':
      for (const f of INVOLVED) g[`involvedObject.${f}`] = (o) => path(o, 'involvedObject', f);
      g['reason'] = (o) => path(o, 'reason');
      g['reportingComponent'] = (o) => path(o, 'reportingComponent');
      g['source'] = (o) => path(o, 'source', 'component');
      g['type'] = (o) => path(o, 'type');
      break;
    case 'events.k8s.io/events':
      // Stored as core v1 Events: the events.k8s.io field names map onto core fields.
      for (const f of INVOLVED) g[`regarding.${f}`] = (o) => path(o, 'involvedObject', f);
      g['reason'] = (o) => path(o, 'reason');
      g['reportingController'] = (o) => path(o, 'reportingComponent') || path(o, 'source', 'component');
      g['deprecatedSource'] = (o) => path(o, 'source', 'component');
      g['type'] = (o) => path(o, 'type');
      break;
    case '/nodes':
      g['spec.unschedulable'] = (o) => String(path(o, 'spec', 'unschedulable') === 'true');
      break;
    case '/namespaces':
      g['status.phase'] = (o) => path(o, 'status', 'phase');
      break;
    case '/secrets':
      g['type'] = (o) => path(o, 'type');
      break;
    case '/replicationcontrollers':
    case 'apps/replicasets':
      g['status.replicas'] = (o) => path(o, 'status', 'replicas') || '0';
      break;
    case 'batch/jobs':
      g['status.successful'] = (o) => path(o, 'status', 'succeeded') || '0';
      break;
    case 'certificates.k8s.io/certificatesigningrequests':
      g['spec.signerName'] = (o) => path(o, 'spec', 'signerName');
      break;
  }
  return g;
}

function badField(msg: string): SimApiError {
  return new SimApiError(400, 'BadRequest', msg);
}

/** Splits on unescaped commas; `\,` `\=` `\!` `\\` are escapes in field selector values. */
function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
}

/** Parses `f=v,g!=w` (also `==`). Empty input selects everything. */
export function parseFieldSelector(sel: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  if (sel.trim() === '') return reqs;
  for (const part of splitEscaped(sel, ',')) {
    // Find the first unescaped operator.
    let i = 0;
    let found: { at: number; op: '=' | '!='; len: number } | undefined;
    for (; i < part.length; i++) {
      const ch = part[i]!;
      if (ch === '\\') {
        i++;
        continue;
      }
      if (ch === '!' && part[i + 1] === '=') found = { at: i, op: '!=', len: 2 };
      else if (ch === '=' && part[i + 1] === '=') found = { at: i, op: '=', len: 2 };
      else if (ch === '=') found = { at: i, op: '=', len: 1 };
      if (found) break;
    }
    if (!found) throw badField(`invalid selector: '${sel}'; can't understand '${part}'`);
    const field = part.slice(0, found.at).trim();
    if (field === '') throw badField(`invalid selector: '${sel}'; can't understand '${part}'`);
    reqs.push({ field, op: found.op, value: unescape(part.slice(found.at + found.len)) });
  }
  return reqs;
}

/** Compiles field requirements for a type; unsupported fields → 400 like kube-apiserver. */
export function fieldMatcher(t: ResourceType, reqs: FieldRequirement[]): Matcher | undefined {
  if (reqs.length === 0) return undefined;
  const getters = fieldGetters(t);
  const compiled = reqs.map((r) => {
    const get = getters[r.field];
    if (!get) {
      throw badField(
        `"${r.field}" is not a known field selector: only "${Object.keys(getters).join('", "')}"`,
      );
    }
    return { get, neg: r.op === '!=', value: r.value };
  });
  return (o) => compiled.every((c) => (c.get(o) === c.value) !== c.neg);
}

/** One predicate for a request's labelSelector and fieldSelector (undefined = everything). */
export function compileSelectors(
  t: ResourceType,
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
): Matcher | undefined {
  const labels = parseLabelSelector(labelSelector ?? '');
  const fields = fieldMatcher(t, parseFieldSelector(fieldSelector ?? ''));
  if (labels.length === 0) return fields;
  const lm: Matcher = (o) => labelsMatch(labels, o.metadata.labels);
  return fields ? (o) => lm(o) && fields(o) : lm;
}
