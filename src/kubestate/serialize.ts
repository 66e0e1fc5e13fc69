// One object's exposition, family by family: the unit the exposition cache stores and a scrape
// concatenates (kube-state-metrics' per-object [][]byte).
import { seriesLines } from './format.ts';
import type { FamilyDef, GenerateContext, KubeResourceObject, ResourceDef } from './types.ts';

/** Called when a family generator throws on an object: the family is left out for that object. */
export type GenerateErrorHandler = (family: string, obj: KubeResourceObject, err: unknown) => void;

/**
 * The series lines of every family in `families` for `obj`, one string per family ('' when the
 * family has no series). A generator that throws costs only its own family.
 */
export function serializeObject<T extends KubeResourceObject>(
  def: ResourceDef<T>,
  families: readonly FamilyDef<T>[],
  obj: T,
  ctx: GenerateContext,
  onError?: GenerateErrorHandler,
): string[] {
  let idValues: string[];
  try {
    idValues = def.identify(obj);
  } catch (err) {
    onError?.('(identifying labels)', obj, err);
    return families.map(() => '');
  }
  const out = new Array<string>(families.length);
  for (let i = 0; i < families.length; i++) {
    const f = families[i]!;
    try {
      const metrics = f.generate(obj, ctx);
      out[i] = metrics.length === 0 ? '' : seriesLines(f.name, def.identifyingLabels, idValues, metrics);
    } catch (err) {
      out[i] = '';
      onError?.(f.name, obj, err);
    }
  }
  return out;
}
