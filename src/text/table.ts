/** How `formatColumns` draws its rows. */
export interface ColumnLayout {
  /** Cell titles, drawn as the first line. */
  header?: readonly string[];
  /** Put before every line: a list inside a banner is indented. */
  indent?: string;
  /**
   * `| a | b |` lines with a `| - | - |` rule under the header: as readable in a terminal as in
   * Markdown (the benchmark results). Otherwise two spaces between columns and no trailing blanks.
   */
  markdown?: boolean;
}

/** Aligns rows of cells into columns, for terminal output and the benchmark results alike. */
export function formatColumns(rows: readonly (readonly string[])[], layout: ColumnLayout = {}): string {
  const { header, indent = '', markdown = false } = layout;
  const all = header ? [header, ...rows] : rows;
  const count = Math.max(0, ...all.map((row) => row.length));
  const widths = Array.from({ length: count }, (_, i) => Math.max(0, ...all.map((row) => (row[i] ?? '').length)));
  const cells = (row: readonly string[]): string[] => widths.map((width, i) => (row[i] ?? '').padEnd(width));
  const line = markdown
    ? (row: readonly string[]): string => `${indent}| ${cells(row).join(' | ')} |`
    : (row: readonly string[]): string => `${indent}${cells(row).join('  ')}`.trimEnd();
  const rule = markdown && header ? [line(widths.map((width) => '-'.repeat(width)))] : [];
  return [...(header ? [line(header), ...rule] : []), ...rows.map(line)].join('\n');
}
