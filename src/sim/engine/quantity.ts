// Parsing the resource.Quantity spellings the engine itself writes ("250m", "2", "512Mi", "1Gi").

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** CPU quantity in millicores. Throws on spellings it does not understand. */
export function cpuMilli(q: string): number {
  if (q.endsWith('m')) return Number(q.slice(0, -1));
  const n = Number(q);
  if (!Number.isFinite(n)) throw new Error(`unsupported cpu quantity ${JSON.stringify(q)}`);
  return n * 1000;
}

/** Memory/storage quantity in bytes. Throws on spellings it does not understand. */
export function bytes(q: string): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q);
  if (!m) throw new Error(`unsupported quantity ${JSON.stringify(q)}`);
  const unit = m[2] ?? '';
  const mult = BINARY[unit] ?? DECIMAL[unit];
  return Number(m[1]) * (mult as number);
}

export function formatMilli(m: number): string {
  return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

export function formatKi(b: number): string {
  return `${Math.floor(b / 1024)}Ki`;
}
