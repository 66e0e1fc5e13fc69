// `npm test`: type check, lint, then every unit test (src/**) and end-to-end test (test/**)
// in one node:test run, so the runner's closing summary counts them all.
import { spawnSync } from 'node:child_process';

const major = Number(process.versions.node.split('.')[0]);
if (major < 24) {
  console.error(`npm test needs Node 24 from node_modules (found ${process.version}); run \`npm ci\` first.`);
  process.exit(1);
}

function step(name, cmd, args) {
  console.log(`\n== ${name}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}

const only = process.argv.slice(2);
if (only.length === 0) {
  step('type check', 'tsc', ['--noEmit', '-p', 'tsconfig.json']);
  step('type check (web UI)', 'tsc', ['--noEmit', '-p', 'ui/tsconfig.json']);
  step('lint', 'eslint', ['.']);
  step('format', 'prettier', ['--check', '.']);
}
step('tests', process.execPath, [
  '--test',
  '--test-concurrency=2',
  '--test-timeout=300000',
  ...(only.length ? only : ['src/**/*.test.ts', 'ui/src/**/*.test.ts', 'test/**/*.test.ts']),
]);
