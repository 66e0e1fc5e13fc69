// Standard 5-field cron schedules (minute hour day-of-month month day-of-week), evaluated in UTC
// like the CronJob controller with no timeZone set. Supports *, lists, ranges and steps.

const LIMITS: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 6],
];

export class CronSchedule {
  readonly expr: string;
  private readonly sets: Set<number>[];
  private readonly domAny: boolean;
  private readonly dowAny: boolean;

  constructor(expr: string) {
    this.expr = expr;
    const fields = expr.trim().split(/\s+/);
    if (fields.length !== 5)
      throw new Error(`cron schedule ${JSON.stringify(expr)}: want 5 fields, got ${fields.length}`);
    this.sets = fields.map((f, i) => parseField(f, LIMITS[i] as [number, number], expr));
    this.domAny = fields[2] === '*';
    this.dowAny = fields[4] === '*';
  }

  /** The first scheduled time strictly after `afterMs` (epoch ms, whole minutes). Throws if none within a year. */
  next(afterMs: number): number {
    let t = (Math.floor(afterMs / 60_000) + 1) * 60_000;
    const limit = t + 366 * 24 * 3600_000;
    const [min, hour, , month] = this.sets as [
      Set<number>,
      Set<number>,
      Set<number>,
      Set<number>,
      Set<number>,
    ];
    while (t < limit) {
      const d = new Date(t);
      if (!month.has(d.getUTCMonth() + 1) || !this.dayMatches(d)) {
        t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
        continue;
      }
      if (!hour.has(d.getUTCHours())) {
        t = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
        continue;
      }
      if (min.has(d.getUTCMinutes())) return t;
      t += 60_000;
    }
    throw new Error(`cron schedule ${JSON.stringify(this.expr)} has no time within a year`);
  }

  /** The latest scheduled time at or before `atMs`, searching back at most `windowMs`. */
  previous(atMs: number, windowMs: number): number | undefined {
    let last: number | undefined;
    let t = atMs - windowMs;
    while (true) {
      const n = this.next(t);
      if (n > atMs) return last;
      last = n;
      t = n;
    }
  }

  /** Vixie cron: when both day fields are restricted, either may match. */
  private dayMatches(d: Date): boolean {
    const dom = (this.sets[2] as Set<number>).has(d.getUTCDate());
    const dow = (this.sets[4] as Set<number>).has(d.getUTCDay());
    if (this.domAny && this.dowAny) return true;
    if (this.domAny) return dow;
    if (this.dowAny) return dom;
    return dom || dow;
  }
}

function parseField(field: string, [lo, hi]: [number, number], expr: string): Set<number> {
  const out = new Set<number>();
  for (const part of field.split(',')) {
    const m = /^(\*|\d+)(?:-(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) throw new Error(`cron schedule ${JSON.stringify(expr)}: bad field ${JSON.stringify(part)}`);
    const start = m[1] === '*' ? lo : Number(m[1]);
    const end = m[2] !== undefined ? Number(m[2]) : m[1] === '*' || m[3] !== undefined ? hi : start;
    const step = m[3] !== undefined ? Number(m[3]) : 1;
    if (start < lo || end > hi || start > end || step < 1) {
      throw new Error(
        `cron schedule ${JSON.stringify(expr)}: field ${JSON.stringify(part)} out of range ${lo}-${hi}`,
      );
    }
    for (let v = start; v <= end; v += step) out.add(v === 7 && hi === 6 ? 0 : v);
  }
  return out;
}
