/** One measured figure with its target, as every benchmark reports it. */
export interface BenchFigure {
  figure: string;
  value: number;
  unit: string;
  target: string;
  pass: boolean;
}

export function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The p-th percentile (0–100) by nearest rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  return Number(value.toPrecision(3)).toString();
}

/** A plain-text table (also valid Markdown): figure, value, target, pass/fail. */
export function formatTable(rows: BenchFigure[]): string {
  const cells = rows.map((row) => [row.figure, `${formatValue(row.value)} ${row.unit}`.trim(), row.target, row.pass ? 'pass' : 'FAIL']);
  const header = ['figure', 'value', 'target', 'result'];
  const widths = header.map((title, i) => Math.max(title.length, ...cells.map((cell) => cell[i]!.length)));
  const line = (cols: string[]): string => `| ${cols.map((col, i) => col.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(line)].join('\n');
}

/** Runs one area's benchmark when its file is executed directly, printing its table. */
export async function runStandalone(title: string, run: () => Promise<BenchFigure[]>): Promise<void> {
  const rows = await run();
  process.stdout.write(`\n${title}\n${formatTable(rows)}\n`);
}
