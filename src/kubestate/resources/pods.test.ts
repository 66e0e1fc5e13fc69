// Pod families the conformance cases do not reach: kube_pod_ips' address parsing and the
// tolerations de-duplication.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GenerateContext } from '../types.ts';
import { resource } from './pods.ts';

const ctx: GenerateContext = { allowLabels: [], allowAnnotations: [], now: () => 0 };
function run(name: string, obj: object) {
  const f = resource.families.find((x) => x.name === name)!;
  return f.generate({ metadata: { name: 'p', namespace: 'n' }, ...obj }, ctx);
}

test('kube_pod_ips: family per address, invalid ones left out', () => {
  const ms = run('kube_pod_ips', {
    status: {
      podIPs: [
        { ip: '10.0.0.1' },
        { ip: 'fd00::1' },
        { ip: '::ffff:10.1.2.3' },
        { ip: '010.0.0.1' },
        { ip: 'x' },
        {},
      ],
    },
  });
  assert.deepEqual(
    ms.map((m) => m.values),
    [
      ['10.0.0.1', '4'],
      ['fd00::1', '6'],
      ['::ffff:10.1.2.3', '4'],
    ],
  );
});

test('kube_pod_tolerations: identical tolerations are reported once', () => {
  const t = { key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  const ms = run('kube_pod_tolerations', {
    spec: { tolerations: [t, { ...t }, { ...t, tolerationSeconds: 60 }] },
  });
  assert.deepEqual(
    ms.map((m) => m.values),
    [
      ['k', 'Exists', '', 'NoExecute', '300'],
      ['k', 'Exists', '', 'NoExecute', '60'],
    ],
  );
});
