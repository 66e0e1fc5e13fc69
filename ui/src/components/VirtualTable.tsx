// A windowed table: only the rows in view (plus a few) are in the DOM, so 10,000 rows render and
// scroll as fast as 50. Fixed row height; columns as a CSS grid; sortable headers.
import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface Column<T> {
  key: string;
  title: string;
  /** A CSS grid track: "2fr", "90px", "minmax(120px, 1fr)". */
  width: string;
  render: (row: T) => ReactNode;
  sortable?: boolean;
  align?: 'right';
}

const OVERSCAN = 8;

export function VirtualTable<T>({
  rows,
  columns,
  rowKey,
  rowHeight = 30,
  height = 560,
  sort,
  onSort,
  rowClass,
  testId,
}: {
  rows: readonly T[];
  columns: Column<T>[];
  rowKey: (row: T) => string;
  rowHeight?: number;
  /** Viewport height in px; the table shrinks to fit fewer rows. */
  height?: number;
  sort?: { key: string; desc: boolean };
  onSort?: (key: string) => void;
  rowClass?: (row: T) => string;
  testId?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [top, setTop] = useState(0);
  const [viewH, setViewH] = useState(height);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewH(el.clientHeight || height));
    ro.observe(el);
    return () => ro.disconnect();
  }, [height]);
  // A new list (filter, sort) that is shorter than the scroll position starts at the top.
  useEffect(() => {
    if (ref.current && top > rows.length * rowHeight) {
      ref.current.scrollTop = 0;
      setTop(0);
    }
  }, [rows.length, rowHeight, top]);
  const template = columns.map((c) => c.width).join(' ');
  const first = Math.max(0, Math.floor(top / rowHeight) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((top + viewH) / rowHeight) + OVERSCAN);
  const visible = rows.slice(first, last);
  const bodyH = Math.min(height, Math.max(rows.length, 1) * rowHeight);
  return (
    <div className="vtable" role="table" data-testid={testId} data-rows={rows.length}>
      <div className="vrow vhead" role="row" style={{ gridTemplateColumns: template }}>
        {columns.map((c) => (
          <div
            key={c.key}
            role="columnheader"
            className={`${c.align === 'right' ? 'right' : ''} ${c.sortable && onSort ? 'sortable' : ''}`}
            aria-sort={sort?.key === c.key ? (sort.desc ? 'descending' : 'ascending') : undefined}
            onClick={c.sortable && onSort ? () => onSort(c.key) : undefined}
          >
            {c.title}
            {sort?.key === c.key ? (sort.desc ? ' ▾' : ' ▴') : ''}
          </div>
        ))}
      </div>
      <div
        ref={ref}
        className="vbody"
        style={{ height: bodyH }}
        onScroll={(e) => setTop(e.currentTarget.scrollTop)}
      >
        <div style={{ height: rows.length * rowHeight, position: 'relative' }}>
          <div style={{ transform: `translateY(${first * rowHeight}px)` }}>
            {visible.map((r) => (
              <div
                key={rowKey(r)}
                className={`vrow ${rowClass?.(r) ?? ''}`}
                role="row"
                style={{ gridTemplateColumns: template, height: rowHeight }}
              >
                {columns.map((c) => (
                  <div key={c.key} role="cell" className={c.align === 'right' ? 'right' : ''}>
                    {c.render(r)}
                  </div>
                ))}
              </div>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}
