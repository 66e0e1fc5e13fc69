// The set of component factories a process knows, looked up by kind and type name.
import type {
  AnyFactory,
  ComponentKind,
  ExporterFactory,
  ExtensionFactory,
  ProcessorFactory,
  ReceiverFactory,
} from './component.ts';

export class Registry {
  private readonly byKind: Record<ComponentKind, Map<string, AnyFactory>> = {
    receiver: new Map(),
    processor: new Map(),
    exporter: new Map(),
    extension: new Map(),
  };

  /** Type names that exist but were not loaded (suggested in errors; see components/index.ts). */
  private readonly known: Partial<Record<ComponentKind, readonly string[]>>;

  constructor(
    factories: readonly AnyFactory[] = [],
    known: Partial<Record<ComponentKind, readonly string[]>> = {},
  ) {
    for (const f of factories) this.register(f);
    this.known = known;
  }

  register(f: AnyFactory): void {
    const m = this.byKind[f.kind];
    if (m.has(f.type)) throw new Error(`duplicate ${f.kind} type "${f.type}"`);
    m.set(f.type, f);
  }

  get(kind: 'receiver', type: string): ReceiverFactory | undefined;
  get(kind: 'processor', type: string): ProcessorFactory | undefined;
  get(kind: 'exporter', type: string): ExporterFactory | undefined;
  get(kind: 'extension', type: string): ExtensionFactory | undefined;
  get(kind: ComponentKind, type: string): AnyFactory | undefined;
  get(kind: ComponentKind, type: string): AnyFactory | undefined {
    return this.byKind[kind].get(type);
  }

  /** Every type name of this kind: loaded or known. */
  types(kind: ComponentKind): string[] {
    return [...new Set([...this.byKind[kind].keys(), ...(this.known[kind] ?? [])])].sort();
  }
}
