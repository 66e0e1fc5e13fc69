// Every kube-state-metrics conformance case, rendered through the same code `watchingcat
// kubestate render` uses and compared under the rules in testdata/ksm/README.md.
process.env.TZ = 'UTC'; // CronJob cases compute next schedule times in UTC (README)

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderObjects } from './render.ts';
import { loadCaseFiles, normalize } from './testdata/conformance.ts';

for (const file of loadCaseFiles()) {
  describe(`kube-state conformance: ${file.resource}`, () => {
    for (const c of file.cases) {
      it(c.name, () => {
        // The case's allow-lists apply to its resource; '*' says so without naming it.
        const opts = c.options ?? {};
        const allowLabels = opts.allowLabelsList ? new Map([['*', opts.allowLabelsList]]) : undefined;
        const allowAnnotations = opts.allowAnnotationsList
          ? new Map([['*', opts.allowAnnotationsList]])
          : undefined;
        const errors: string[] = [];
        const { text, skipped } = renderObjects([c.object], {
          ...(allowLabels && { allowLabels }),
          ...(allowAnnotations && { allowAnnotations }),
          onError: (family, _obj, err) => errors.push(`${family}: ${String(err)}`),
        });
        assert.deepEqual(skipped, [], 'the object is rendered');
        assert.deepEqual(errors, [], 'no family generator throws');
        assert.deepEqual(normalize(text, c.metricNames), normalize(c.want, c.metricNames));
      });
    }
  });
}
