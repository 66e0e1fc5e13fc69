// The resource and scope columns every table shares (GROUP_COLUMNS of columns.ts, in that order):
// encoded once per scope group and repeated on each of its rows.
import type { InstrumentationScope, Resource } from '../../model/common.ts';
import type { EncodedAttributes } from './attributes.ts';
import { AttributeColumns, encodeAttributes } from './attributes.ts';
import type { Column } from './columns.ts';
import { StringColumn, UInt32Column } from './columns.ts';

export interface EncodedGroup {
  resource: EncodedAttributes;
  resourceDropped: number;
  resourceSchemaUrl: string;
  scopeName: string;
  scopeVersion: string;
  scope: EncodedAttributes;
  scopeDropped: number;
  scopeSchemaUrl: string;
}

export function encodeGroup(
  resource: Resource,
  resourceSchemaUrl: string,
  scope: InstrumentationScope,
  scopeSchemaUrl: string,
): EncodedGroup {
  return {
    resource: encodeAttributes(resource.attributes),
    resourceDropped: resource.droppedAttributesCount,
    resourceSchemaUrl,
    scopeName: scope.name,
    scopeVersion: scope.version,
    scope: encodeAttributes(scope.attributes),
    scopeDropped: scope.droppedAttributesCount,
    scopeSchemaUrl,
  };
}

export class GroupColumns {
  private readonly resource = new AttributeColumns();
  private readonly resourceDropped = new UInt32Column();
  private readonly resourceSchemaUrl = new StringColumn();
  private readonly scopeName = new StringColumn();
  private readonly scopeVersion = new StringColumn();
  private readonly scope = new AttributeColumns();
  private readonly scopeDropped = new UInt32Column();
  private readonly scopeSchemaUrl = new StringColumn();

  add(g: EncodedGroup): void {
    this.resource.addEncoded(g.resource);
    this.resourceDropped.add(g.resourceDropped);
    this.resourceSchemaUrl.add(g.resourceSchemaUrl);
    this.scopeName.add(g.scopeName);
    this.scopeVersion.add(g.scopeVersion);
    this.scope.addEncoded(g.scope);
    this.scopeDropped.add(g.scopeDropped);
    this.scopeSchemaUrl.add(g.scopeSchemaUrl);
  }

  named(): [string, Column][] {
    return [
      ...this.resource.named('resource_attributes'),
      ['resource_dropped_attributes', this.resourceDropped],
      ['resource_schema_url', this.resourceSchemaUrl],
      ['scope_name', this.scopeName],
      ['scope_version', this.scopeVersion],
      ...this.scope.named('scope_attributes'),
      ['scope_dropped_attributes', this.scopeDropped],
      ['scope_schema_url', this.scopeSchemaUrl],
    ];
  }
}

/**
 * A resumable writer of every item under `resources` → scopes → items (see RowWriter in
 * appender.ts): stops when the block is full and continues from the same item with the next
 * block; each scope's group is encoded once.
 */
export function scopeItemWriter<
  B,
  R extends { resource: Resource; schemaUrl: string },
  S extends { scope: InstrumentationScope; schemaUrl: string },
  I,
>(
  resources: readonly R[],
  scopesOf: (r: R) => readonly S[],
  itemsOf: (s: S) => readonly I[],
  add: (block: B, item: I, group: EncodedGroup, scope: S) => void,
): (block: B, full: () => boolean) => boolean {
  let r = 0;
  let s = 0;
  let i = 0;
  let group: EncodedGroup | undefined;
  return (block, full) => {
    for (; r < resources.length; r++, s = 0) {
      const rg = resources[r]!;
      const scopes = scopesOf(rg);
      for (; s < scopes.length; s++, i = 0, group = undefined) {
        const sg = scopes[s]!;
        const items = itemsOf(sg);
        if (i >= items.length) continue;
        group ??= encodeGroup(rg.resource, rg.schemaUrl, sg.scope, sg.schemaUrl);
        while (i < items.length) {
          if (full()) return false;
          add(block, items[i++]!, group, sg);
        }
      }
    }
    return true;
  };
}
