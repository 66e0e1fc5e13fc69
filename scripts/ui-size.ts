// Prints the web UI's initial JavaScript (what index.html loads), raw and gzipped, and fails
// when the gzipped size exceeds the budget (300 KB). Run after `npm run build`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 300 * 1024;
const dist = join(import.meta.dirname, '..', 'ui', 'dist');

/** The scripts and module preloads index.html names, with raw and gzipped sizes. */
export interface JsFile {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export function initialJs(dir = dist): JsFile[] {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<(?:script[^>]*\bsrc|link[^>]*rel="modulepreload"[^>]*\bhref)="\/?([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  return files.map((f) => {
    const body = readFileSync(join(dir, f));
    return { file: f, bytes: body.length, gzipBytes: gzipSync(body, { level: 9 }).length };
  });
}

if (import.meta.main) {
  const files = initialJs();
  const total = files.reduce((s, f) => s + f.gzipBytes, 0);
  for (const f of files)
    console.log(
      `${f.file}: ${(f.bytes / 1024).toFixed(1)} KB, ${(f.gzipBytes / 1024).toFixed(1)} KB gzipped`,
    );
  console.log(
    `initial JavaScript: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_BYTES / 1024} KB)`,
  );
  if (total > BUDGET_BYTES) process.exit(1);
}
