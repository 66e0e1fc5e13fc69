// A handle on V8's garbage collector without starting Node with --expose-gc: the flag can be
// set at run time and the function obtained from a fresh context. Used by the memory limiter,
// which must bring memory down under pressure instead of waiting for V8's own heuristics (with
// gigabytes of headroom V8 lets garbage pile up far past a configured limit).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gcFn: (() => void) | undefined | null;

export function forceGc(): boolean {
  if (gcFn === undefined) {
    try {
      const existing = (globalThis as { gc?: () => void }).gc;
      if (existing) gcFn = existing;
      else {
        setFlagsFromString('--expose-gc');
        gcFn = runInNewContext('gc') as () => void;
      }
    } catch {
      gcFn = null;
    }
  }
  if (!gcFn) return false;
  gcFn();
  return true;
}
