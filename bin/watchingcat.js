#!/bin/sh
':' /*; case "$1" in backend|up) y=16 ;; *) y=1 ;; esac; exec node --max-semi-space-size=$y "$0" "$@"; */
// Entry point of the `watchingcat` command. The two lines above are for the shell: it picks the
// V8 young-generation size for the role and replaces itself with Node (exec, so no wrapper
// process stays behind: signals and kill -9 reach Node directly); for JavaScript they are a
// string and a comment.
// - Agent and cluster roles, and every other command: 1 MiB. V8's default lets tens of megabytes
//   of short-lived garbage sit between collections, which puts resident memory far above the
//   live data under load (measured: small semi-spaces keep a 256 MiB memory_limiter under its
//   limit at 10x overload; the default overshoots by ~50%); 1 MiB rather than 4 saves ~6 MiB
//   when idle at no measurable cost in throughput (bench/RESULTS.md).
// - backend and up: 16 MiB. They encode every stored item into column blocks on the main thread,
//   which spent 20 % more time in GC with 1 MiB (1M spans: 60k vs 74k spans/s), and V8 ignores
//   the flag once the heap exists, so it must be chosen at start.
// Keep youngGenerationFlags() in sync.
// The sources are TypeScript run directly by Node's type stripping (Node >= 22.18 / 23.6).
// When the Node on PATH is older than the project's (Node 24, installed as the `node`
// npm package), re-run this same command with the project's Node so `npx watchingcat`
// works right after `npm ci` on any machine.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const youngGenerationFlags = (role) => [
  `--max-semi-space-size=${role === 'backend' || role === 'up' ? 16 : 1}`,
];
const major = Number(process.versions.node.split('.')[0]);

/**
 * Run the JavaScript that `npm ci` builds into dist/ (the `prepare` script) when it is at least
 * as new as every source file: Node's TypeScript stripper costs ~30 MiB of resident memory per
 * process. Otherwise — a source file edited since the build, or no build — run the sources.
 */
function builtIsCurrent() {
  if (process.env.WATCHINGCAT_FROM_SOURCE === '1') return false;
  const stamp = join(here, '..', 'dist', '.built');
  if (!existsSync(stamp)) return false;
  // 0: use the build even if a source file is newer (measuring while sources are being edited).
  if (process.env.WATCHINGCAT_FROM_SOURCE === '0') return true;
  const built = statSync(stamp).mtimeMs;
  const src = join(here, '..', 'src');
  for (const e of readdirSync(src, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts') && statSync(join(e.parentPath, e.name)).mtimeMs > built)
      return false;
  }
  return true;
}

if (major >= 24 || process.env.WATCHINGCAT_NO_REEXEC === '1') {
  if (builtIsCurrent()) await import('../dist/src/cli/main.js');
  else await import('../src/cli/main.ts');
} else {
  const projectNode = join(here, '..', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(projectNode)) {
    process.stderr.write(
      `watchingcat needs Node.js 24 (found ${process.version}); run \`npm ci\` in the repository to install it.\n`,
    );
    process.exit(1);
  }
  const child = spawn(
    projectNode,
    [...youngGenerationFlags(process.argv[2]), fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env: { ...process.env, WATCHINGCAT_NO_REEXEC: '1' },
    },
  );
  // Forward termination signals so the real process can shut down cleanly.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal);
    else process.exit(code ?? 1);
  });
}
