import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configSchema } from './config.ts';
import { cgroupLimit, computeLimits } from './limits.ts';

const MiB = 1024 * 1024;
const limits = (c: unknown, total = 1000 * MiB) => computeLimits(configSchema.parse(c), () => total);

test('limit_mib: spike defaults to 20% of the limit (also when written as 0), as in the Collector', () => {
  assert.deepEqual(limits({ limit_mib: 512, spike_limit_mib: 128 }), { hard: 512 * MiB, soft: 384 * MiB });
  assert.deepEqual(limits({ limit_mib: 500 }), { hard: 500 * MiB, soft: 400 * MiB });
  assert.deepEqual(limits({ limit_mib: 500, spike_limit_mib: 0 }), { hard: 500 * MiB, soft: 400 * MiB });
});

test('limit_percentage is taken of the total memory; spike_limit_percentage too, else 20% of the limit', () => {
  assert.deepEqual(limits({ limit_percentage: 80, spike_limit_percentage: 25 }), {
    hard: 800 * MiB,
    soft: 550 * MiB,
  });
  assert.deepEqual(limits({ limit_percentage: 50 }), { hard: 500 * MiB, soft: 400 * MiB });
  assert.deepEqual(limits({ limit_percentage: 50, spike_limit_percentage: 0 }), {
    hard: 500 * MiB,
    soft: 400 * MiB,
  });
});

test('cgroup limit: v2 memory.max, else v1, "max" and absurd values mean none', () => {
  const files = (m: Record<string, string>) => (p: string) => {
    if (!(p in m)) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    return m[p]!;
  };
  assert.equal(cgroupLimit(files({ '/cg/memory.max': '536870912\n' }), '/cg'), 512 * MiB);
  assert.equal(cgroupLimit(files({ '/cg/memory.max': 'max\n' }), '/cg'), undefined);
  assert.equal(cgroupLimit(files({ '/cg/memory/memory.limit_in_bytes': '268435456' }), '/cg'), 256 * MiB);
  assert.equal(
    cgroupLimit(files({ '/cg/memory/memory.limit_in_bytes': '9223372036854771712' }), '/cg'),
    undefined,
  );
  assert.equal(cgroupLimit(files({}), '/cg'), undefined);
});

test('config errors: neither or both limits, spike not below the limit, out-of-range values', () => {
  const msg = (c: unknown) => {
    const r = configSchema.safeParse(c);
    return r.success ? '' : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  };
  assert.match(msg({}), /limit_mib: set limit_mib \(MiB\) or limit_percentage/);
  assert.match(msg({ limit_mib: 100, limit_percentage: 50 }), /either limit_mib or limit_percentage/);
  assert.match(
    msg({ limit_mib: 100, spike_limit_mib: 100 }),
    /spike_limit_mib must be smaller than limit_mib/,
  );
  assert.match(msg({ limit_mib: 100, spike_limit_mib: 150 }), /spike_limit_mib must be smaller/);
  assert.match(
    msg({ limit_percentage: 50, spike_limit_percentage: 50 }),
    /spike_limit_percentage must be smaller/,
  );
  assert.match(msg({ limit_percentage: 101 }), /limit_percentage/);
  assert.match(msg({ limit_mib: 100, check_interval: 0 }), /check_interval must be greater than 0/);
  assert.match(msg({ limit_mib: 100, check_interval: 'soon' }), /expected a duration/);
  assert.equal(msg({ limit_mib: 100, check_interval: '5s' }), '');
  assert.equal(configSchema.parse({ limit_mib: 256 }).check_interval, 1000);
  assert.equal(configSchema.parse({ limit_mib: 256, check_interval: '250ms' }).check_interval, 250);
  assert.match(msg({ limit_mib: 100, limit: 3 }), /limit|Unrecognized/);
});
