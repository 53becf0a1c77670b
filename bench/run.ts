import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchFigure, formatTable } from './report.js';

/**
 * `npm run bench [-- --only broker,hub] [-- --write]`: every benchmark in sequence (they would
 * disturb each other's figures if run together), then one table of figure, value, target and
 * pass/fail; `--write` also saves it as bench/results.md.
 */
const AREAS = ['broker', 'rooms', 'supervisor', 'hub'] as const;

const args = process.argv.slice(2);
const onlyArg = args.find((arg) => arg.startsWith('--only'));
const only = onlyArg ? (onlyArg.includes('=') ? onlyArg.split('=')[1]! : (args[args.indexOf(onlyArg) + 1] ?? '')).split(',') : [...AREAS];
const unknown = only.filter((area) => !(AREAS as readonly string[]).includes(area));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown area ${unknown.join(', ')}; choose from ${AREAS.join(', ')}\n`);
  process.exit(2);
}

const rows: BenchFigure[] = [];
for (const area of AREAS.filter((a) => only.includes(a))) {
  process.stderr.write(`bench: ${area}…\n`);
  const started = Date.now();
  const module = (await import(`./${area}/index.js`)) as { run(): Promise<BenchFigure[]> };
  const figures = await module.run();
  rows.push(...figures.map((row) => ({ ...row, figure: `${area}: ${row.figure}` })));
  process.stderr.write(`bench: ${area} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const table = formatTable(rows);
const failed = rows.filter((row) => !row.pass).length;
const summary = `${rows.length - failed} of ${rows.length} figures meet their targets`;
process.stdout.write(`\n${table}\n\n${summary}\n`);
if (args.includes('--write')) {
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../bench/results.md');
  writeFileSync(file, `# Benchmark results\n\n${new Date().toISOString()} on ${machine}.\n\n${table}\n\n${summary}.\n`);
  process.stdout.write(`written to bench/results.md\n`);
}
process.exit(0);
