// Every resource and family matches kube-state-metrics' catalog (testdata/ksm/catalog.json):
// the same resources, identifying labels and default set, and per resource the same families
// in the same order with the same type, stability, HELP text, deprecation and opt-in flag.
// Existing dashboards and alerts depend on every one of these.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { allResources } from './catalog.ts';
import { escapeHelp, helpText } from './format.ts';
import { KSM_DIR } from './testdata/conformance.ts';

interface CatalogFamily {
  name: string;
  type: string;
  stability: string;
  deprecatedVersion: string | null;
  optIn: boolean;
  helpLine: string;
}
interface CatalogResource {
  enabledByDefault: boolean;
  identifyingLabels: string[];
  families: CatalogFamily[];
}
const catalog = JSON.parse(readFileSync(join(KSM_DIR, 'catalog.json'), 'utf8')) as {
  resources: Record<string, CatalogResource>;
  counts: { resources: number; families: number; familiesInDefaultResources: number };
};

describe('kube-state catalog', () => {
  it('has exactly the resources kube-state-metrics has', () => {
    assert.deepEqual(
      allResources()
        .map((r) => r.resource)
        .sort(),
      Object.keys(catalog.resources).sort(),
    );
  });

  for (const def of allResources()) {
    const want = catalog.resources[def.resource];
    if (!want) continue;
    it(`${def.resource}: identifying labels, default set and families`, () => {
      assert.deepEqual(def.identifyingLabels, want.identifyingLabels, 'identifying labels');
      assert.equal(def.enabledByDefault, want.enabledByDefault, 'enabled by default');
      const got = def.families.map((f) => ({
        name: f.name,
        type: f.type,
        stability: f.stability,
        deprecatedVersion: f.deprecatedVersion ?? null,
        optIn: f.optIn ?? false,
        helpLine: escapeHelp(helpText(f)),
      }));
      const expected = want.families.map((f) => ({
        name: f.name,
        type: f.type,
        stability: f.stability,
        deprecatedVersion: f.deprecatedVersion,
        optIn: f.optIn,
        helpLine: f.helpLine,
      }));
      assert.deepEqual(got, expected);
    });
  }

  it('counts families as the catalog does', () => {
    const all = allResources().reduce((n, r) => n + r.families.length, 0);
    const dflt = allResources()
      .filter((r) => r.enabledByDefault)
      .reduce((n, r) => n + r.families.length, 0);
    assert.equal(all, catalog.counts.families);
    assert.equal(dflt, catalog.counts.familiesInDefaultResources);
  });
});
