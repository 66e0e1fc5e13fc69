// Pod lifecycle in simulated time, as kubelet and the scheduler drive it:
//   Pending → Scheduled → sandbox + image pulls (ContainerCreating) → Running → Ready after the
//   readiness delay; then, depending on the pod's seeded fate, crash loops with growing back-off,
//   OOM kills, or completion (job pods). Evictions and deletions come from churn or the API.
// Each transition bumps the pod's epoch; agenda entries made for an older epoch do nothing, so a
// pod that was crashed, evicted or deleted meanwhile never takes a stale transition.
import type { KubeObject } from '../types.ts';
import type { Sim } from './sim.ts';
import type { EventRecorder, Involved } from './events.ts';
import type { ContainerRec, NodeRec, PodFate, PodOwner, PodRec } from './model.ts';
import type { ContainerSpec } from './podspec.ts';
import { podObject, podRequests, podStatus, qosClass } from './podspec.ts';
import { Scheduler } from './scheduler.ts';
import { R } from './resources.ts';
import { imageId, imageSize } from './images.ts';
import { MINUTE, SECOND } from './time.ts';

export interface PodManagerOptions {
  /** Fraction of new long-running pods that crash-loop. */
  crashLoopFraction: number;
  /** Fraction of new long-running pods that get OOMKilled now and then. */
  oomFraction: number;
  /** Upper bound on crash-looping pods at any time (keeps periodic work bounded at any scale). */
  maxCrashLooping: number;
}

/** Maximum back-off between restarts (kubelet's MaxContainerBackOff). */
const MAX_BACKOFF = 300 * SECOND;
/** Failed pods (evicted) are garbage-collected after this, like a pod GC with a low threshold. */
const TERMINAL_POD_TTL = 60 * MINUTE;
const MAX_EVICTED_KEPT = 200;
const UNSCHEDULABLE_RETRY = 5 * MINUTE;

export interface CreatePodOptions {
  owner: PodOwner;
  namespace: string;
  name: string;
  generateName?: string;
  /** Created already running (populate): no lifecycle events, back-dated timestamps. */
  initial?: InitialState;
  pinnedNode?: NodeRec;
}

/** A pod that already exists when the simulation starts. */
export interface InitialState {
  createdAt: number;
  ready: boolean;
  /** For run-to-completion pods that already ended (exit code from the pod's fate). */
  finishedAt?: number;
}

export class PodManager {
  private readonly sim: Sim;
  private readonly events: EventRecorder;
  readonly scheduler: Scheduler;
  private readonly opts: PodManagerOptions;
  /** Pods that exist in the store, for O(1) random picks. */
  readonly live: PodRec[] = [];
  readonly byKey = new Map<string, PodRec>();
  /** Pods waiting for room on some node, oldest first. */
  private readonly unschedulable = new Set<PodRec>();
  /** Evicted pods awaiting garbage collection, oldest first. */
  private readonly evicted: PodRec[] = [];
  private crashLooping = 0;
  /** Called for every new pod so services can link it (set by the engine). */
  onPodCreated: (pod: PodRec) => void = () => {};
  /** Called once when a pod stops counting (terminal phase or deleted), e.g. for quota usage. */
  onPodEnded: (pod: PodRec) => void = () => {};

  constructor(sim: Sim, events: EventRecorder, opts: PodManagerOptions) {
    this.sim = sim;
    this.events = events;
    this.scheduler = new Scheduler();
    this.opts = opts;
  }

  get unschedulableCount(): number {
    return this.unschedulable.size;
  }

  create(o: CreatePodOptions): PodRec {
    const sim = this.sim;
    const tmpl = o.owner.podTemplate({ name: o.name, nodeName: o.pinnedNode?.name });
    const containers = tmpl.spec.containers as ContainerSpec[];
    const req = podRequests(containers);
    const pod: PodRec = {
      namespace: o.namespace,
      name: o.name,
      uid: sim.rng.uuid(),
      owner: o.owner,
      labels: tmpl.labels,
      createdAt: o.initial?.createdAt ?? sim.now,
      epoch: 0,
      alive: true,
      hostNetwork: tmpl.spec.hostNetwork === true,
      phase: 'Pending',
      containers: containers.map((c) => newContainer(c)),
      cpuMilli: req.cpuMilli,
      memBytes: req.memBytes,
      qosClass: qosClass(containers),
      tolerations: (tmpl.spec.tolerations as PodRec['tolerations'] | undefined) ?? [],
      fate: tmpl.fate ?? this.decideFate(),
      readinessDelayMs: sim.rng.int(2, 15) * SECOND,
      liveIndex: -1,
      services: [],
      crashCount: 0,
    };
    if (o.pinnedNode) pod.pinnedNode = o.pinnedNode;
    if (pod.fate.kind === 'crashloop') this.crashLooping++;
    let failedMessage: string | undefined;
    if (o.initial) failedMessage = this.placeInitial(pod, o.initial);
    const obj = podObject(pod, tmpl, o.owner.ownerRef(), sim.rng.suffix(), o.generateName);
    const stored = sim.create(R.pods, obj);
    this.noteWrite(pod, stored);
    pod.liveIndex = this.live.length;
    this.live.push(pod);
    this.byKey.set(`${pod.namespace}/${pod.name}`, pod);
    this.onPodCreated(pod);
    if (o.initial) {
      if (failedMessage) this.unschedulable.add(pod);
      else if (o.initial.finishedAt === undefined) this.continueInitial(pod);
      this.notify(pod);
    } else {
      this.at(pod, sim.rng.int(20, 400), () => this.schedule(pod));
    }
    return pod;
  }

  /** Populate: bind and start the pod in its steady state; returns a scheduling failure message if it fits nowhere. */
  private placeInitial(pod: PodRec, initial: InitialState): string | undefined {
    const sim = this.sim;
    let ready = initial.ready;
    const { node, reasons } = this.scheduler.pick(pod);
    const t0 = pod.createdAt;
    if (!node) {
      const msg = Scheduler.message(this.scheduler.nodes.length, reasons);
      pod.scheduled = { status: 'False', since: t0, reason: 'Unschedulable', message: msg };
      return msg;
    }
    this.scheduler.bind(pod, node);
    this.scheduler.assignIp(pod);
    for (const c of pod.containers) node.images.add(c.image);
    const started = t0 + sim.rng.int(1, 20) * SECOND;
    pod.scheduled = { status: 'True', since: t0 };
    pod.readyToStart = { status: 'True', since: t0 + SECOND };
    pod.initialized = { status: 'True', since: t0 + SECOND };
    pod.startTime = t0;
    pod.phase = 'Running';
    for (const c of pod.containers) {
      c.containerID = this.containerId();
      c.state = 'running';
      c.started = true;
      c.startedAt = started;
      c.ready = ready;
    }
    if (pod.fate.kind === 'complete' && initial.finishedAt !== undefined) {
      this.endContainers(pod, pod.fate.exitCode, initial.finishedAt);
      this.scheduler.release(pod);
      return undefined;
    }
    if (pod.fate.kind === 'crashloop') {
      // Steady state of a crash loop: many restarts, currently backing off.
      const c = pod.containers[0] as ContainerRec;
      c.restartCount = sim.rng.int(5, 60);
      c.last = this.terminated(c, pod.fate.exitCode, sim.now - 30 * SECOND, sim.now - 5 * SECOND);
      c.state = 'waiting';
      c.waitingReason = 'CrashLoopBackOff';
      c.waitingMessage = backoffMessage(MAX_BACKOFF, c.name, pod);
      c.started = false;
      c.ready = false;
      ready = false;
    }
    const readyAt = started + pod.readinessDelayMs;
    pod.containersReady = ready ? { status: 'True', since: readyAt } : notReady(pod, readyAt);
    pod.ready = ready ? { status: 'True', since: readyAt } : notReady(pod, readyAt);
    return undefined;
  }

  private continueInitial(pod: PodRec): void {
    const sim = this.sim;
    const c = pod.containers[0] as ContainerRec;
    if (pod.fate.kind === 'crashloop') {
      this.at(pod, sim.rng.int(1, 300) * SECOND, () => this.restart(pod));
    } else if (pod.ready?.status !== 'True') {
      this.at(pod, pod.readinessDelayMs, () => this.becomeReady(pod));
    } else {
      this.planFate(pod, c);
    }
  }

  // ---- transitions -------------------------------------------------------------------------

  private schedule(pod: PodRec): void {
    const sim = this.sim;
    const { node, reasons } = this.scheduler.pick(pod);
    if (!node) {
      const msg = Scheduler.message(this.scheduler.nodes.length, reasons);
      if (pod.scheduled?.message !== msg) {
        pod.scheduled = { status: 'False', since: sim.now, reason: 'Unschedulable', message: msg };
        this.write(pod);
      }
      this.events.warning(this.involved(pod), 'FailedScheduling', msg, { component: 'default-scheduler' });
      this.unschedulable.add(pod);
      // The scheduler retries unschedulable pods at the latest after 5 minutes.
      this.at(pod, UNSCHEDULABLE_RETRY + sim.rng.int(0, 10_000), () => {
        this.unschedulable.delete(pod);
        this.schedule(pod);
      });
      return;
    }
    this.unschedulable.delete(pod);
    this.scheduler.bind(pod, node);
    pod.scheduled = { status: 'True', since: sim.now };
    this.write(pod, (o) => {
      (o.spec as Record<string, unknown>).nodeName = node.name;
    });
    this.events.normal(
      this.involved(pod),
      'Scheduled',
      `Successfully assigned ${pod.namespace}/${pod.name} to ${node.name}`,
      { component: 'default-scheduler' },
    );
    this.at(pod, sim.rng.int(200, 1500), () => this.sandbox(pod));
  }

  /** Sandbox ready and IP assigned; containers are being created (images pulled). */
  private sandbox(pod: PodRec): void {
    const sim = this.sim;
    this.scheduler.assignIp(pod);
    pod.startTime = sim.now;
    pod.readyToStart = { status: 'True', since: sim.now };
    pod.initialized = { status: 'True', since: sim.now };
    pod.containersReady = notReady(pod, sim.now);
    pod.ready = notReady(pod, sim.now);
    for (const c of pod.containers) {
      c.state = 'waiting';
      c.waitingReason = 'ContainerCreating';
    }
    this.write(pod);
    // Images the node already has start right away; others are pulled first.
    const pulls = new Map<ContainerRec, number>();
    let waitMs = sim.rng.int(100, 500);
    for (const c of pod.containers) {
      if (pod.node?.images.has(c.image)) continue;
      this.kubelet(pod, c, 'Normal', 'Pulling', `Pulling image "${c.image}"`);
      const ms = sim.rng.int(300, 8000);
      pulls.set(c, ms);
      waitMs = Math.max(waitMs, ms);
    }
    this.at(pod, waitMs, () => this.startContainers(pod, pulls));
  }

  private startContainers(pod: PodRec, pulls: Map<ContainerRec, number>): void {
    pod.phase = 'Running';
    for (const c of pod.containers) {
      const pullMs = pulls.get(c);
      if (pullMs === undefined) {
        this.kubelet(pod, c, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
      } else {
        const secs = (pullMs / 1000).toFixed(3);
        this.kubelet(
          pod,
          c,
          'Normal',
          'Pulled',
          `Successfully pulled image "${c.image}" in ${secs}s (${secs}s including waiting). Image size: ${imageSize(c.image)} bytes.`,
        );
        pod.node?.images.add(c.image);
      }
      this.startOne(pod, c);
    }
    this.write(pod);
    this.notify(pod);
    if (pod.fate.kind === 'complete') {
      const exitCode = pod.fate.exitCode;
      this.at(pod, pod.fate.runMs, () => this.complete(pod, exitCode));
    } else {
      this.at(pod, pod.readinessDelayMs, () => this.becomeReady(pod));
    }
  }

  private startOne(pod: PodRec, c: ContainerRec): void {
    c.containerID = this.containerId();
    c.state = 'running';
    c.waitingReason = undefined;
    c.waitingMessage = undefined;
    c.startedAt = this.sim.now;
    c.started = true;
    c.ready = false;
    this.kubelet(pod, c, 'Normal', 'Created', `Created container ${c.name}`);
    this.kubelet(pod, c, 'Normal', 'Started', `Started container ${c.name}`);
  }

  private becomeReady(pod: PodRec): void {
    const now = this.sim.now;
    for (const c of pod.containers) if (c.state === 'running') c.ready = true;
    if (pod.containers.every((c) => c.ready)) {
      pod.containersReady = { status: 'True', since: now };
      pod.ready = { status: 'True', since: now };
    }
    this.write(pod);
    this.notify(pod);
    this.planFate(pod, pod.containers[0] as ContainerRec);
  }

  /** Schedules the next crash for crash-looping / OOM-prone pods. */
  private planFate(pod: PodRec, c: ContainerRec): void {
    const fate = pod.fate;
    if (fate.kind === 'crashloop') {
      this.at(pod, fate.runMs, () => this.crash(pod, c, fate.exitCode));
    } else if (fate.kind === 'oom') {
      this.at(pod, this.sim.rng.exp(fate.everyMs), () => this.crash(pod, c, 137));
    }
  }

  /**
   * The container exits (exitCode 137 = OOMKilled). With restartPolicy Always it is restarted
   * after the kubelet's back-off: 10 s doubling per restart up to 5 min.
   */
  crash(pod: PodRec, c: ContainerRec, exitCode: number): void {
    if (!pod.alive || pod.phase !== 'Running' || c.state !== 'running') return;
    const sim = this.sim;
    pod.epoch++;
    c.last = this.terminated(c, exitCode, c.startedAt ?? sim.now, sim.now);
    c.restartCount++;
    c.ready = false;
    c.started = false;
    pod.crashCount++;
    const backoff = c.restartCount <= 1 ? 0 : Math.min(10 * SECOND * 2 ** (c.restartCount - 2), MAX_BACKOFF);
    c.state = 'waiting';
    c.waitingReason = backoff > 0 ? 'CrashLoopBackOff' : 'ContainerCreating';
    c.waitingMessage = backoff > 0 ? backoffMessage(backoff, c.name, pod) : undefined;
    pod.containersReady = notReady(pod, sim.now);
    pod.ready = notReady(pod, sim.now);
    this.write(pod);
    this.notify(pod);
    if (exitCode === 137 && pod.node) {
      this.events.warning(
        { kind: 'Node', apiVersion: 'v1', name: pod.node.name, uid: pod.node.uid },
        'SystemOOM',
        `System OOM encountered, victim process: ${c.name}, pid: ${sim.rng.int(2000, 400000)}`,
        { component: 'kubelet', host: pod.node.name },
      );
    }
    if (backoff > 0) {
      this.kubelet(
        pod,
        c,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${pod.name}_${pod.namespace}(${pod.uid})`,
      );
    }
    this.at(pod, backoff + sim.rng.int(100, 900), () => this.restart(pod));
  }

  private restart(pod: PodRec): void {
    for (const c of pod.containers) {
      if (c.state !== 'waiting') continue;
      this.kubelet(pod, c, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`);
      this.startOne(pod, c);
    }
    this.write(pod);
    this.at(pod, pod.readinessDelayMs, () => this.becomeReady(pod));
  }

  /** Run-to-completion pods (restartPolicy Never/OnFailure treated as Never): the pod ends. */
  private complete(pod: PodRec, exitCode: number): void {
    this.endContainers(pod, exitCode, this.sim.now);
    this.finish(pod);
  }

  private endContainers(pod: PodRec, exitCode: number, now: number): void {
    for (const c of pod.containers) {
      c.terminated = this.terminated(c, exitCode, c.startedAt ?? now, now);
      if (exitCode === 0) c.terminated.reason = 'Completed';
      c.state = 'terminated';
      c.ready = false;
      c.started = false;
    }
    pod.phase = exitCode === 0 ? 'Succeeded' : 'Failed';
    const reason = exitCode === 0 ? 'PodCompleted' : 'PodFailed';
    pod.containersReady = { status: 'False', since: now, reason };
    pod.ready = { status: 'False', since: now, reason };
    pod.readyToStart = { status: 'False', since: now };
  }

  /** The kubelet evicts the pod under node memory pressure: phase Failed, reason Evicted. */
  evict(pod: PodRec): void {
    if (!pod.alive || pod.phase !== 'Running' || !pod.node) return;
    const now = this.sim.now;
    const c = pod.containers[0] as ContainerRec;
    const message =
      `The node was low on resource: memory. Threshold quantity: 100Mi, available: ${this.sim.rng.int(40_000, 99_000)}Ki. ` +
      `Container ${c.name} was using ${this.sim.rng.int(300_000, 900_000)}Ki, request is ${Math.round(pod.memBytes / 1024)}Ki, has larger consumption of memory. `;
    pod.phase = 'Failed';
    pod.reason = 'Evicted';
    pod.message = message;
    for (const k of pod.containers) {
      k.terminated = this.terminated(k, 137, k.startedAt ?? now, now);
      k.terminated.reason = 'ContainerStatusUnknown';
      k.terminated.message = 'The container could not be located when the pod was terminated';
      k.state = 'terminated';
      k.ready = false;
      k.started = false;
    }
    pod.containersReady = { status: 'False', since: now, reason: 'PodFailed' };
    pod.ready = { status: 'False', since: now, reason: 'PodFailed' };
    pod.readyToStart = { status: 'False', since: now };
    this.events.warning(this.involved(pod), 'Evicted', message, {
      component: 'kubelet',
      host: pod.node.name,
    });
    this.finish(pod);
    this.evicted.push(pod);
    this.at(pod, TERMINAL_POD_TTL, () => this.delete(pod));
    while (this.evicted.length > MAX_EVICTED_KEPT) this.delete(this.evicted.shift() as PodRec);
  }

  private finish(pod: PodRec): void {
    pod.epoch++;
    this.onPodEnded(pod);
    if (pod.fate.kind === 'crashloop') {
      this.crashLooping--;
      pod.fate = { kind: 'healthy' };
    }
    this.scheduler.release(pod);
    this.write(pod);
    this.notify(pod);
    this.retryUnschedulable(2);
  }

  /** Deletes the pod from the store (no grace period in the simulator). */
  delete(pod: PodRec): void {
    if (!pod.alive) return;
    this.sim.remove(R.pods, pod.namespace, pod.name);
    this.forget(pod);
  }

  /** The pod is gone from the store (deleted by us or through the API): drop it everywhere. */
  forget(pod: PodRec): void {
    if (!pod.alive) return;
    pod.alive = false;
    pod.epoch++;
    if (pod.phase === 'Pending' || pod.phase === 'Running') this.onPodEnded(pod);
    if (pod.fate.kind === 'crashloop') this.crashLooping--;
    this.unschedulable.delete(pod);
    this.scheduler.release(pod);
    const last = this.live.pop() as PodRec;
    if (last !== pod) {
      this.live[pod.liveIndex] = last;
      last.liveIndex = pod.liveIndex;
    }
    this.byKey.delete(`${pod.namespace}/${pod.name}`);
    for (const s of pod.services) s.podGone(pod);
    pod.owner.podDeleted(pod);
    this.retryUnschedulable(2);
  }

  /**
   * The node controller's MarkPodsNotReady: when a node's status goes Unknown its pods' Ready
   * condition turns False (their containers keep running as far as anyone knows).
   */
  nodeLost(node: NodeRec): void {
    for (const pod of node.pods) {
      if (pod.ready?.status !== 'True') continue;
      pod.ready = { status: 'False', since: this.sim.now };
      this.write(pod);
      this.notify(pod);
    }
  }

  /** The kubelet reports again: pods whose containers are ready are Ready again. */
  nodeBack(node: NodeRec): void {
    for (const pod of node.pods) {
      if (pod.ready?.status === 'True' || pod.containersReady?.status !== 'True' || pod.phase !== 'Running')
        continue;
      pod.ready = { status: 'True', since: this.sim.now };
      this.write(pod);
      this.notify(pod);
    }
  }

  /** Tries up to `budget` pending pods (oldest first) after capacity was freed or added. */
  retryUnschedulable(budget: number): void {
    for (const pod of this.unschedulable) {
      if (budget-- <= 0) break;
      this.unschedulable.delete(pod);
      this.at(pod, this.sim.rng.int(100, 1000), () => this.schedule(pod));
    }
  }

  // ---- helpers -----------------------------------------------------------------------------

  private decideFate(): PodFate {
    const rng = this.sim.rng;
    const r = rng.next();
    if (r < this.opts.crashLoopFraction && this.crashLooping < this.opts.maxCrashLooping) {
      return { kind: 'crashloop', exitCode: rng.pick([1, 1, 2, 137, 143]), runMs: rng.int(3, 40) * SECOND };
    }
    if (r < this.opts.crashLoopFraction + this.opts.oomFraction) {
      return { kind: 'oom', everyMs: rng.int(10, 120) * MINUTE };
    }
    return { kind: 'healthy' };
  }

  /** Runs `fn` after `delayMs` unless the pod has moved on (deleted or another transition). */
  private at(pod: PodRec, delayMs: number, fn: () => void): void {
    const epoch = ++pod.epoch;
    this.sim.after(delayMs, () => {
      if (pod.alive && pod.epoch === epoch) fn();
    });
  }

  private terminated(
    c: ContainerRec,
    exitCode: number,
    startedAt: number,
    finishedAt: number,
  ): ContainerRec['last'] & object {
    return {
      exitCode,
      reason: exitCode === 137 ? 'OOMKilled' : exitCode === 0 ? 'Completed' : 'Error',
      startedAt,
      finishedAt,
      containerID: c.containerID,
    };
  }

  private containerId(): string {
    return `containerd://${this.sim.rng.hex(64)}`;
  }

  private write(pod: PodRec, extra?: (o: KubeObject) => void): void {
    const stored = this.sim.mutate(R.pods, pod.namespace, pod.name, (o) => {
      extra?.(o);
      o.status = podStatus(pod);
    });
    if (stored) this.noteWrite(pod, stored);
  }

  private noteWrite(pod: PodRec, stored: KubeObject): void {
    pod.rv = stored.metadata.resourceVersion;
    if (stored.metadata.uid) pod.uid = stored.metadata.uid;
  }

  private notify(pod: PodRec): void {
    pod.owner.podChanged(pod);
    for (const s of pod.services) s.podChanged(pod);
  }

  involved(pod: PodRec, fieldPath?: string): Involved {
    const inv: Involved = {
      kind: 'Pod',
      apiVersion: 'v1',
      namespace: pod.namespace,
      name: pod.name,
      uid: pod.uid,
    };
    if (pod.rv !== undefined) inv.resourceVersion = pod.rv;
    if (fieldPath !== undefined) inv.fieldPath = fieldPath;
    return inv;
  }

  private kubelet(
    pod: PodRec,
    c: ContainerRec,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    this.events.record(this.involved(pod, `spec.containers{${c.name}}`), type, reason, message, {
      component: 'kubelet',
      host: pod.node?.name,
    });
  }
}

function newContainer(c: ContainerSpec): ContainerRec {
  return {
    name: c.name,
    image: c.image,
    imageID: imageId(c.image),
    containerID: '',
    state: 'waiting',
    waitingReason: 'ContainerCreating',
    ready: false,
    started: false,
    restartCount: 0,
  };
}

function notReady(
  pod: PodRec,
  since: number,
): { status: 'False'; since: number; reason: string; message: string } {
  const names = pod.containers.filter((c) => !c.ready).map((c) => c.name);
  return {
    status: 'False',
    since,
    reason: 'ContainersNotReady',
    message: `containers with unready status: [${names.join(' ')}]`,
  };
}

function backoffMessage(backoffMs: number, container: string, pod: PodRec): string {
  const d =
    backoffMs >= MINUTE
      ? `${Math.floor(backoffMs / MINUTE)}m${(backoffMs % MINUTE) / SECOND}s`
      : `${backoffMs / SECOND}s`;
  return `back-off ${d} restarting failed container=${container} pod=${pod.name}_${pod.namespace}(${pod.uid})`;
}
