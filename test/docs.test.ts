// The configuration reference is generated from the code; this keeps it from going stale.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { render } from '../scripts/config-docs.ts';

test('docs/configuration.md matches the components’ schemas (run `node scripts/config-docs.ts`)', async () => {
  const onDisk = readFileSync(new URL('../docs/configuration.md', import.meta.url), 'utf8');
  assert.equal(onDisk, await render());
});
