// Which cgroups the kubelet's cAdvisor exposes on /metrics/cadvisor, and what their paths say.
//
// The kubelet starts cAdvisor with its cgroup roots as the raw-container allow list: the node
// allocatable root (kubepods.slice / kubepods), its own cgroup (system.slice/kubelet.service on
// systemd hosts) and, only when configured, --runtime-cgroups / --system-cgroups. cAdvisor then
// exposes "/" plus every cgroup under those prefixes, except what its runtime factories claim and
// ignore: CRI-O sandbox cgroups without ".scope" under the systemd driver. crio-conmon-* scopes are
// not claimed by the CRI-O factory and fall to the raw handler, so the kubelet exposes them with
// empty pod/container labels; they are kept here as kind 'other'.
//
// Kubelet naming (both drivers, any --cgroup-root prefix):
//   systemd:   kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid with _>.slice/
//                  cri-containerd-<id>.scope | crio-<id>.scope | docker-<id>.scope
//              kubepods.slice/kubepods-pod<uid>.slice/...              (Guaranteed)
//              with --cgroup-root=/kubelet: kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-…
//   cgroupfs:  kubepods/burstable/pod<uid>/<id> | crio-<id>
//              kubepods/pod<uid>/...                                   (Guaranteed)

import { readdirSync, statSync } from 'node:fs';
import type { CgroupIdentity, CgroupRoot, ContainerRuntime } from './types.ts';

const SCOPE_PREFIXES: readonly (readonly [string, ContainerRuntime])[] = [
  ['cri-containerd-', 'containerd'],
  ['crio-', 'cri-o'],
  ['docker-', 'docker'],
];

/** 64 characters of [a-z0-9], the id pattern cAdvisor's containerd/CRI-O factories match. */
function isContainerId(s: string): boolean {
  if (s.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 122))) return false;
  }
  return true;
}

/** A pod uid as the kubelet writes it: a UUID, or 32 hex for static pods; '_' stands for '-'. */
function podUid(raw: string): string | undefined {
  if (raw.length < 8 || raw.length > 64) return undefined;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const ok = (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70) || c === 45 || c === 95;
    if (!ok) return undefined;
  }
  return raw.replaceAll('_', '-');
}

function isKubepods(seg: string): boolean {
  return seg === 'kubepods' || seg === 'kubepods.slice' || seg.endsWith('-kubepods.slice');
}

/** Pod uid of a pod cgroup segment (either driver), or undefined. */
function podSegment(seg: string): string | undefined {
  if (seg.endsWith('.slice')) {
    const i = seg.lastIndexOf('-pod');
    if (i < 0) return undefined;
    return podUid(seg.slice(i + 4, -'.slice'.length));
  }
  return seg.startsWith('pod') ? podUid(seg.slice(3)) : undefined;
}

function isQosSegment(seg: string): boolean {
  if (seg === 'burstable' || seg === 'besteffort') return true;
  return seg.endsWith('-burstable.slice') || seg.endsWith('-besteffort.slice');
}

interface ContainerSegment {
  kind: 'container' | 'other';
  containerId?: string;
  runtime: ContainerRuntime;
  /** cAdvisor ignores it altogether (CRI-O sandbox without .scope under systemd) */
  hidden?: boolean;
}

/** What a segment directly under a pod cgroup is. */
function containerSegment(seg: string, systemd: boolean): ContainerSegment {
  if (seg.endsWith('.mount')) return { kind: 'other', runtime: 'unknown' };
  if (seg.startsWith('crio-conmon-')) {
    const id = seg.slice('crio-conmon-'.length).replace(/\.scope$/, '');
    return isContainerId(id)
      ? { kind: 'other', containerId: id, runtime: 'cri-o' }
      : { kind: 'other', runtime: 'cri-o' };
  }
  if (isContainerId(seg)) return { kind: 'container', containerId: seg, runtime: 'unknown' };
  for (const [prefix, runtime] of SCOPE_PREFIXES) {
    if (!seg.startsWith(prefix)) continue;
    const scoped = seg.endsWith('.scope');
    const id = seg.slice(prefix.length, scoped ? -'.scope'.length : undefined);
    if (!isContainerId(id)) break;
    if (runtime === 'cri-o' && systemd && !scoped) {
      return { kind: 'other', containerId: id, runtime, hidden: true };
    }
    return { kind: 'container', containerId: id, runtime };
  }
  return { kind: 'other', runtime: 'unknown' };
}

/**
 * Classifies a cgroup path (relative to the hierarchy root, "/" = root). Never throws; anything
 * not recognised is kind 'other'.
 */
export function identifyCgroup(path: string): CgroupIdentity {
  const segs = path.split('/').filter((s) => s !== '');
  const norm = segs.length === 0 ? '/' : `/${segs.join('/')}`;
  if (segs.length === 0) return { path: norm, kind: 'root' };
  const k = segs.findIndex(isKubepods);
  // the node allocatable root sits at the top or one level below a custom --cgroup-root
  if (k < 0 || k > 1) return { path: norm, kind: 'other' };
  const kp = segs[k] ?? '';
  const systemd = kp.endsWith('.slice');
  let i = k + 1;
  if (i === segs.length) return { path: norm, kind: 'kubepods' };
  const s1 = segs[i] ?? '';
  if (isQosSegment(s1)) {
    i++;
    if (i === segs.length) return { path: norm, kind: 'qos' };
  }
  const uid = podSegment(segs[i] ?? '');
  if (uid === undefined) return { path: norm, kind: 'other' };
  i++;
  if (i === segs.length) return { path: norm, kind: 'pod', podUid: uid };
  const c = containerSegment(segs[i] ?? '', systemd);
  const id: CgroupIdentity = { path: norm, kind: i === segs.length - 1 ? c.kind : 'other', podUid: uid };
  if (c.containerId !== undefined) id.containerId = c.containerId;
  if (c.runtime !== 'unknown' || c.containerId !== undefined) id.runtime = c.runtime;
  return id;
}

/** True when cAdvisor (as the kubelet runs it) ignores the cgroup although it is under kubepods. */
export function isIgnoredByCadvisor(path: string): boolean {
  const segs = path.split('/').filter((s) => s !== '');
  const k = segs.findIndex(isKubepods);
  if (k < 0 || k > 1) return false;
  const systemd = (segs[k] ?? '').endsWith('.slice');
  const last = segs[segs.length - 1] ?? '';
  return segs.length >= k + 3 && containerSegment(last, systemd).hidden === true;
}

export interface ListOptions {
  /**
   * Further allow-listed cgroups (the kubelet's own and --runtime-cgroups / --system-cgroups),
   * listed with their sub-cgroups when they exist. Default: ['/system.slice/kubelet.service'].
   */
  extraPaths?: readonly string[];
  /** deepest level listed below the hierarchy root (default 8) */
  maxDepth?: number;
  /** at most this many cgroups are returned (default 10 000) */
  maxCgroups?: number;
}

/** The hierarchy whose directory tree names the cgroups: v2's, or v1's cpu (cAdvisor's first). */
function walkMount(root: CgroupRoot): string | undefined {
  if (root.version === 'v2') return root.v2;
  return root.v1.cpu ?? root.v1.cpuacct ?? root.v1.memory ?? root.v1.pids ?? root.v1.blkio ?? root.v1.cpuset;
}

function subdirs(dir: string): string[] {
  try {
    const out: string[] = [];
    for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isDirectory()) out.push(d.name);
    return out.sort();
  } catch {
    return [];
  }
}

/**
 * The cgroups /metrics/cadvisor covers: "/", the kubepods subtree (kubepods, QoS, pod and container
 * cgroups, plus crio-conmon and other sub-cgroups as kind 'other') and the extra paths; parents
 * before children. Container cgroups are not descended into (nested runtimes' sub-cgroups are not
 * listed). Depth and count are bounded. Never throws; a missing tree yields only the root.
 */
export async function listCgroups(root: CgroupRoot, opts: ListOptions = {}): Promise<CgroupIdentity[]> {
  const out: CgroupIdentity[] = [{ path: '/', kind: 'root' }];
  const mount = walkMount(root);
  if (mount === undefined) return out;
  const maxDepth = opts.maxDepth ?? 8;
  const maxCgroups = opts.maxCgroups ?? 10_000;
  const seen = new Set<string>(['/']);

  const walk = (path: string, depth: number): void => {
    if (out.length >= maxCgroups || seen.has(path)) return;
    seen.add(path);
    if (isIgnoredByCadvisor(path)) return;
    const id = identifyCgroup(path);
    out.push(id);
    if (id.kind === 'container' || depth >= maxDepth) return;
    for (const name of subdirs(mount + path)) walk(`${path}/${name}`, depth + 1);
  };

  // kubepods at the top, or one level down under a custom --cgroup-root, where it is named
  // <root>/kubepods (cgroupfs) or <root>.slice/<root>-kubepods.slice (systemd): probed by name
  // rather than listing every top-level cgroup (system.slice can hold hundreds)
  for (const top of subdirs(mount)) {
    if (isKubepods(top)) {
      walk(`/${top}`, 1);
      continue;
    }
    const sub = top.endsWith('.slice') ? `${top.slice(0, -'.slice'.length)}-kubepods.slice` : 'kubepods';
    if (isDir(`${mount}/${top}/${sub}`)) walk(`/${top}/${sub}`, 2);
  }
  for (const extra of opts.extraPaths ?? ['/system.slice/kubelet.service']) {
    const segs = extra.split('/').filter((s) => s !== '' && s !== '.' && s !== '..');
    if (segs.length === 0) continue;
    const p = `/${segs.join('/')}`;
    if (isDir(mount + p)) walk(p, segs.length);
  }
  return out;
}

function isDir(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}
