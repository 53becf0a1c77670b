import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type BenchRow, formatTable, summarize, target } from './report.js';

/**
 * `npm run bench [-- --only broker,hub] [-- --write]`: every area in sequence (they would disturb
 * each other's figures if run together), then one table of figure, value, target and result, and
 * a summary counting each target once. Exits 1 when a target is missed, 2 on a usage error.
 * An area is a folder here whose index.ts exports `run(): Promise<BenchRow[]>`, listed in AREAS.
 */
const AREAS = ['broker', 'rooms', 'supervisor', 'hub', 'irc', 'control', 'web', 'stack'] as const;

const USAGE = `usage: npm run bench [-- --only ${AREAS.join(',')}] [-- --write]
  --only AREAS   comma-separated areas to run (default: all)
  --write        also save the table as bench/results.md
  --help         this text`;

function usageError(message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`);
  process.exit(2);
}

let flags: { only?: string | undefined; write?: boolean | undefined; help?: boolean | undefined };
try {
  flags = parseArgs({
    options: { only: { type: 'string' }, write: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }).values;
} catch (error) {
  usageError((error as Error).message);
}
if (flags.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const only = flags.only === undefined ? [...AREAS] : flags.only.split(',').filter(Boolean);
const unknown = only.filter((area) => !(AREAS as readonly string[]).includes(area));
if (unknown.length > 0 || only.length === 0) usageError(`unknown area ${unknown.join(', ') || '(none)'}; choose from ${AREAS.join(', ')}`);

const rows: BenchRow[] = [];
for (const area of AREAS.filter((a) => only.includes(a))) {
  process.stderr.write(`bench: ${area}…\n`);
  const started = Date.now();
  let figures: BenchRow[];
  try {
    const module = (await import(`./${area}/index.js`)) as { run(): Promise<BenchRow[]> };
    figures = await module.run();
  } catch (error) {
    // One area failing to run is a missed target, not the end of the others' figures.
    figures = [target('the benchmark ran to the end', 0, '', (error as Error).message.split('\n')[0]!, false)];
  }
  rows.push(...figures.map((row) => ({ ...row, figure: `${area}: ${row.figure}` })));
  process.stderr.write(`bench: ${area} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n${formatTable(figures)}\n`);
}

const table = formatTable(rows);
const summary = summarize(rows);
process.stdout.write(`\n${table}\n\n${summary.text}\n`);
if (flags.write) {
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bench/results.md');
  writeFileSync(file, `# Benchmark results\n\n${new Date().toISOString()} on ${machine}.\n\n${table}\n\n${summary.text}.\n`);
  process.stdout.write(`written to bench/results.md\n`);
}
process.exit(summary.failed.length > 0 ? 1 : 0);
