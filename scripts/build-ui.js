// `npm run build` step: builds the web UI (ui/ → ui/dist) with Vite, which the backend serves.
// Vite is a devDependency: where it is not installed (npm ci --omit=dev) the step says so and
// the backend's UI pages explain how to build it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(import.meta.dirname, '..');
let vite;
try {
  vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
} catch {
  vite = undefined;
}
if (!vite || !existsSync(vite)) {
  console.warn('build-ui: vite is not installed (dev dependencies left out?): the web UI is not built');
  process.exit(0);
}
const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn', join(root, 'ui')], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
