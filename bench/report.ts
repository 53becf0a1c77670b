import { formatColumns } from '../src/text/table.js';

/**
 * One row of the benchmark table. A `target` row is a figure with a criterion it must meet, and is
 * counted in the summary (once: a criterion is never written as two rows); a `report` row is a
 * figure shown for context (a reference, a latency spread, what this machine's disk allows) and
 * is never counted, never "passes". Every area (and any area added later) returns these rows.
 */
export type BenchRow =
  | { kind: 'target'; figure: string; value: number; unit: string; target: string; pass: boolean }
  | { kind: 'report'; figure: string; value: number; unit: string; note: string };

export const target = (figure: string, value: number, unit: string, criterion: string, pass: boolean): BenchRow => ({
  kind: 'target',
  figure,
  value,
  unit,
  target: criterion,
  pass,
});

export const report = (figure: string, value: number, unit: string, note = ''): BenchRow => ({ kind: 'report', figure, value, unit, note });

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

/** A plain-text table (also valid Markdown): figure, value, target, result (pass, FAIL or report). */
export function formatTable(rows: BenchRow[]): string {
  const cells = rows.map((row) => [
    row.figure,
    `${formatValue(row.value)} ${row.unit}`.trim(),
    row.kind === 'target' ? row.target : row.note,
    row.kind === 'target' ? (row.pass ? 'pass' : 'FAIL') : 'report',
  ]);
  return formatColumns(cells, { header: ['figure', 'value', 'target', 'result'], markdown: true });
}

/** Targets met and counted; report rows are left out. */
export function summarize(rows: BenchRow[]): { met: number; targets: number; failed: string[]; text: string } {
  const targets = rows.filter((row) => row.kind === 'target');
  const failed = targets.filter((row) => !row.pass).map((row) => row.figure);
  const met = targets.length - failed.length;
  const reports = rows.length - targets.length;
  return {
    met,
    targets: targets.length,
    failed,
    text: `${met} of ${targets.length} targets met (${reports} report rows not counted)${failed.length ? `; failed: ${failed.join('; ')}` : ''}`,
  };
}

/**
 * Runs one area's benchmark when its file is executed directly: prints its table and exits
 * non-zero when a target fails, as `npm run bench` does.
 */
export async function runStandalone(title: string, run: () => Promise<BenchRow[]>): Promise<never> {
  const rows = await run();
  const summary = summarize(rows);
  process.stdout.write(`\n${title}\n${formatTable(rows)}\n\n${summary.text}\n`);
  process.exit(summary.failed.length > 0 ? 1 : 0);
}
