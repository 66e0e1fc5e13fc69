// DESIGN §4: the seed documents' configuration snippets must be valid as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { builtinRegistry } from '../src/components/index.ts';
import { parseConfigText, resolveConfig } from '../src/config/load.ts';

test('batch, memory_limiter and resource snippets from the seeds validate as written', async () => {
  const file = new URL('./testdata/seed-snippets/batch-memory-resource.yaml', import.meta.url);
  const p = parseConfigText(readFileSync(file, 'utf8'), 'seed-snippets.yaml');
  const cfg = resolveConfig(p.raw, await builtinRegistry(), p.locate);
  const batch = cfg.processors.get('batch')!.config as { timeout: number; send_batch_size: number };
  assert.equal(batch.timeout, 10_000);
  assert.equal(batch.send_batch_size, 1024);
  const ml = cfg.processors.get('memory_limiter/small')!.config as {
    check_interval: number;
    limit_mib: number;
  };
  assert.equal(ml.limit_mib, 256);
  assert.equal(
    ml.check_interval,
    1000,
    'check_interval defaults to 1s so the seed snippet without it is valid',
  );
});
