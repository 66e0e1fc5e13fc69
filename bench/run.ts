// `npm run bench`: runs every bench/*.bench.ts in its own process (so one benchmark's heap
// and JIT state can't colour another's), prints their tables and the machine they ran on,
// and writes the whole report to bench/out/latest.md for copying into bench/RESULTS.md.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

const dir = import.meta.dirname;
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`;
const out: string[] = [
  `# Benchmarks ${new Date().toISOString().slice(0, 10)}`,
  '',
  `Machine: ${machine}`,
  '',
];
console.log(out.join('\n'));
// Benchmarks that start `watchingcat` measure what ships: the build in dist/ (bin/watchingcat.js
// falls back to the TypeScript sources, ~30 MiB more resident memory, when dist/ is stale).
console.log('== npm run build');
const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: ['ignore', 'inherit', 'inherit'] });
if (build.status !== 0) {
  console.error('the build failed; fix it before benchmarking');
  process.exit(1);
}
let failed = 0;
for (const f of files) {
  console.log(`\n== ${f} (running…)`);
  const r = spawnSync(process.execPath, ['--expose-gc', join(dir, f)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  process.stdout.write(r.stdout ?? '');
  out.push(`## ${f}`, '', (r.stdout ?? '').trim(), '');
  if (r.status !== 0) {
    failed++;
    out.push(`(exited with ${r.status ?? r.signal})`, '');
    console.error(`${f} failed (exit ${r.status ?? r.signal})`);
  }
}
mkdirSync(join(dir, 'out'), { recursive: true });
writeFileSync(join(dir, 'out', 'latest.md'), out.join('\n') + '\n');
console.log(`\nreport written to bench/out/latest.md${failed ? ` — ${failed} benchmark(s) failed` : ''}`);
process.exitCode = failed ? 1 : 0;
