import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileSelectors, labelsMatch, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { lookupResource } from '../resources.ts';
import { SimApiError, type KubeObject } from '../types.ts';

const match = (sel: string, labels?: Record<string, string>) => labelsMatch(parseLabelSelector(sel), labels);

function is400(fn: () => unknown): void {
  assert.throws(fn, (e: unknown) => e instanceof SimApiError && e.code === 400 && e.reason === 'BadRequest');
}

test('label selector operators', () => {
  const l = { app: 'web', tier: 'fe', n: '5' };
  assert.ok(match('', l));
  assert.ok(match('', undefined));
  assert.ok(match('app=web', l));
  assert.ok(match('app==web', l));
  assert.ok(!match('app=db', l));
  assert.ok(match('app!=db', l));
  assert.ok(match('missing!=x', l), '!= matches when the key is absent');
  assert.ok(!match('app!=web', l));
  assert.ok(match('app in (db, web)', l));
  assert.ok(!match('app in (db)', l));
  assert.ok(!match('missing in (x)', l));
  assert.ok(match('app notin (db)', l));
  assert.ok(match('missing notin (db)', l));
  assert.ok(!match('app notin (web,db)', l));
  assert.ok(match('tier', l));
  assert.ok(!match('missing', l));
  assert.ok(match('!missing', l));
  assert.ok(!match('!app', l));
  assert.ok(match('n>3,n<6', l));
  assert.ok(!match('n>5', l));
  assert.ok(match(' app = web , tier in (fe) , !x ', l), 'whitespace and AND');
  assert.ok(!match('app=web,tier=be', l));
  assert.ok(match('app.kubernetes.io/name notin (x),example.com/a=', { 'example.com/a': '' }));
  assert.ok(match('app=', {}) === false);
});

test('label selector parse errors are 400', () => {
  for (const bad of [
    'app=(x)',
    'app in ()',
    'a b',
    '=x',
    'app in (a',
    ',',
    'app=web,',
    '-bad=x',
    'n>x',
    'a=b=c',
  ]) {
    is400(() => parseLabelSelector(bad));
  }
});

test('field selectors parse =, ==, != and escapes', () => {
  assert.deepEqual(parseFieldSelector('metadata.name=a,status.phase!=Running,spec.nodeName==n1'), [
    { field: 'metadata.name', op: '=', value: 'a' },
    { field: 'status.phase', op: '!=', value: 'Running' },
    { field: 'spec.nodeName', op: '=', value: 'n1' },
  ]);
  assert.deepEqual(parseFieldSelector('involvedObject.fieldPath=spec.containers\\{a\\,b\\}'), [
    { field: 'involvedObject.fieldPath', op: '=', value: 'spec.containers{a,b}' },
  ]);
  assert.deepEqual(parseFieldSelector('spec.nodeName='), [{ field: 'spec.nodeName', op: '=', value: '' }]);
  is400(() => parseFieldSelector('metadata.name'));
  is400(() => parseFieldSelector('=x'));
});

const podType = lookupResource('', 'pods')!;
const eventType = lookupResource('', 'events')!;
const eventsV1 = lookupResource('events.k8s.io', 'events')!;

const pod: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'p', namespace: 'ns', labels: { app: 'web' } },
  spec: { nodeName: 'n1' },
  status: { phase: 'Running' },
};
const ev: KubeObject = {
  apiVersion: 'v1',
  kind: 'Event',
  metadata: { name: 'e', namespace: 'ns' },
  involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns', uid: 'u1', fieldPath: 'spec.containers{c}' },
  reason: 'Pulled',
  type: 'Normal',
  source: { component: 'kubelet', host: 'n1' },
};

test('field selectors per type', () => {
  const m = (t: typeof podType, f: string, o: KubeObject) => compileSelectors(t, undefined, f)!(o);
  assert.ok(m(podType, 'spec.nodeName=n1', pod));
  assert.ok(!m(podType, 'spec.nodeName=n2', pod));
  assert.ok(m(podType, 'status.phase!=Pending,metadata.namespace=ns,metadata.name=p', pod));
  assert.ok(m(podType, 'spec.nodeName!=', pod), 'scheduled pods');
  assert.ok(m(eventType, 'involvedObject.kind=Pod,involvedObject.name=p,involvedObject.uid=u1', ev));
  assert.ok(
    m(eventType, 'involvedObject.fieldPath=spec.containers{c},reason=Pulled,type=Normal,source=kubelet', ev),
  );
  assert.ok(!m(eventType, 'type=Warning', ev));
  assert.ok(m(eventsV1, 'regarding.name=p,regarding.kind=Pod,reason=Pulled,reportingController=kubelet', ev));
  is400(() => compileSelectors(podType, undefined, 'spec.bogus=1'));
  is400(() => compileSelectors(eventType, undefined, 'regarding.name=p'));
});

test('compileSelectors combines labels and fields; empty means everything', () => {
  assert.equal(compileSelectors(podType, '', ''), undefined);
  assert.equal(compileSelectors(podType, undefined, undefined), undefined);
  const both = compileSelectors(podType, 'app=web', 'spec.nodeName=n1')!;
  assert.ok(both(pod));
  assert.ok(!compileSelectors(podType, 'app=db', 'spec.nodeName=n1')!(pod));
  assert.ok(!compileSelectors(podType, 'app=web', 'spec.nodeName=n2')!(pod));
});
