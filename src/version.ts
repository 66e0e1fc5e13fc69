import { existsSync, readFileSync } from 'node:fs';

// From src/ (run from source) the package file is one level up; from dist/src/ (built) two.
const candidates = [
  new URL('../package.json', import.meta.url),
  new URL('../../package.json', import.meta.url),
];
const file = candidates.find(
  (u) => existsSync(u) && (JSON.parse(readFileSync(u, 'utf8')) as { name?: string }).name === 'watchingcat',
);

/** The package version, read once from package.json. */
export const VERSION: string = file
  ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version
  : '0.0.0';
