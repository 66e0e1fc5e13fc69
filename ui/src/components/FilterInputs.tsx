// Text filters that live in the URL: typed into a draft, written to the URL (one history entry)
// on Enter or when the field loses focus — not on every keystroke, which would query per letter.
import { useState, type ReactElement } from 'react';
import { useQuery } from './router.tsx';

/** `keys` are URL parameters; returns an input builder for each (`placeholder` as its hint). */
export function useFilterInputs<K extends string>(
  keys: readonly K[],
): (key: K, placeholder: string) => ReactElement {
  const [q, set] = useQuery();
  const [draft, setDraft] = useState(
    () => Object.fromEntries(keys.map((k) => [k, q.get(k) ?? ''])) as Record<K, string>,
  );
  const apply = (): void => set({ ...draft }, true);
  return (k, placeholder) => (
    <input
      aria-label={k}
      placeholder={placeholder}
      value={draft[k]}
      onChange={(e) => setDraft({ ...draft, [k]: e.target.value })}
      onBlur={apply}
      onKeyDown={(e) => e.key === 'Enter' && apply()}
    />
  );
}
