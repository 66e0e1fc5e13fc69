import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isCompressed, isRotatedLog, podLogIdentity, podLogResource } from './path.ts';

test('a pod log path names namespace, pod, uid, container and restart count', () => {
  const uid = '0b3c1d2e-aaaa-bbbb-cccc-123456789abc';
  for (const root of ['', '/hostfs'])
    for (const file of ['3.log', '3.log.20260101-120000', '3.log.20260101-120000.gz']) {
      const id = podLogIdentity(
        `${root}/var/log/pods/kube-system_coredns-5d78c9869d-x2v9q_${uid}/coredns/${file}`,
      );
      assert.deepEqual(id, {
        namespace: 'kube-system',
        pod: 'coredns-5d78c9869d-x2v9q',
        uid,
        container: 'coredns',
        restartCount: 3,
      });
      assert.deepEqual(podLogResource(id!), [
        ['k8s.namespace.name', 'kube-system'],
        ['k8s.pod.name', 'coredns-5d78c9869d-x2v9q'],
        ['k8s.pod.uid', uid],
        ['k8s.container.name', 'coredns'],
        ['k8s.container.restart_count', '3'],
      ]);
    }
  for (const not of [
    '/var/log/pods/default_web_uid/app/x.log',
    '/var/log/pods/defaultwebuid/app/0.log',
    '/var/log/containers/web_default_app-123.log',
    '/var/log/pods/_web_uid/app/0.log',
    '/var/log/pods/default_web_/app/0.log',
    '0.log',
  ])
    assert.equal(podLogIdentity(not), undefined, not);
});

test('rotated and compressed copies', () => {
  assert.equal(isRotatedLog('/var/log/pods/a_b_c/d/0.log.20260101-120000'), true);
  assert.equal(isRotatedLog('/var/log/pods/a_b_c/d/0.log'), false);
  assert.equal(isRotatedLog('/var/log/pods/a_b_c/d/0.log.20260101-120000.gz'), false);
  assert.equal(isCompressed('/var/log/pods/a_b_c/d/0.log.20260101-120000.gz'), true);
});
