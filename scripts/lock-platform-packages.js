// Adds the lockfile entries of platform-specific optional packages that the registry this
// project is developed against does not serve (chdb's macOS and Linux-arm64 engine builds).
//
// Why: `npm install` skips an optional dependency it cannot fetch and leaves it out of
// package-lock.json; `npm ci` then refuses the lock as out of sync ("Missing: @chdb/lib-darwin-arm64
// from lock file"). An entry with `os`/`cpu` is never fetched on other platforms, so adding the
// entries npm would have written makes `npm ci` work everywhere (a Mac fetches its build from the
// public registry by the `resolved` URL).
//
// Run after any `npm install` that rewrites the lock: `node scripts/lock-platform-packages.js [LOCKFILE]`.
// It changes nothing when the entries are already there.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const LOCK = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../package-lock.json'));
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const packages = lock.packages;
let added = 0;

for (const [path, entry] of Object.entries(packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    if (!name.startsWith('@chdb/lib-')) continue;
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    const platform = /lib-(darwin|linux)-(arm64|x64)(-gnu)?$/.exec(name);
    if (!platform) throw new Error(`${path}: unknown platform package ${name}`);
    packages[key] = {
      version,
      resolved: `https://registry.npmjs.org/${name}/-/${name.split('/')[1]}-${version}.tgz`,
      cpu: [platform[2]],
      ...(platform[3] ? { libc: ['glibc'] } : {}),
      license: 'Apache-2.0',
      optional: true,
      os: [platform[1]],
    };
    added++;
  }
}

if (added > 0) {
  const sorted = Object.fromEntries(
    Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)),
  );
  lock.packages = sorted;
  writeFileSync(LOCK, JSON.stringify(lock, null, 2) + '\n');
}
console.log(`package-lock.json: ${added} platform package entr${added === 1 ? 'y' : 'ies'} added`);
