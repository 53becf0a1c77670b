import { describe, expect, it } from 'vitest';
import { formatTable, report, target } from '../../../bench/report.js';
import { formatColumns } from '../../../src/text/table.js';

describe('formatColumns', () => {
  it('aligns each column to its widest cell, header included, two spaces apart, with no trailing blanks', () => {
    expect(
      formatColumns(
        [
          ['broker', 'RUNNING', '41'],
          ['hub', 'FATAL', '-'],
        ],
        { header: ['service', 'state', 'pid'] },
      ),
    ).toBe(['service  state    pid', 'broker   RUNNING  41', 'hub      FATAL    -'].join('\n'));
  });

  it('indents a list without a header, and leaves no blanks after a short last cell', () => {
    expect(
      formatColumns(
        [
          ['rooms', 'http://127.0.0.1:3000/RPC2'],
          ['hub', 'tcp://127.0.0.1:12345'],
          ['broker', ''],
        ],
        { indent: '    ' },
      ),
    ).toBe(['    rooms   http://127.0.0.1:3000/RPC2', '    hub     tcp://127.0.0.1:12345', '    broker'].join('\n'));
  });

  it('draws a Markdown table with a rule under the header, every cell padded', () => {
    expect(formatColumns([['a', 'long value']], { header: ['figure', 'v'], markdown: true })).toBe(
      ['| figure | v          |', '| ------ | ---------- |', '| a      | long value |'].join('\n'),
    );
  });
});

describe("the benchmark table (bench/report.ts's formatTable)", () => {
  it('is a Markdown table of figure, value, target and result, a report row showing its note', () => {
    const table = formatTable([target('restart', 12.34, 'ms', '< 100 ms', true), report('bare node', 56, 'ms', 'the floor')]);
    expect(table).toBe(
      [
        '| figure    | value   | target    | result |',
        '| --------- | ------- | --------- | ------ |',
        '| restart   | 12.3 ms | < 100 ms  | pass   |',
        '| bare node | 56 ms   | the floor | report |',
      ].join('\n'),
    );
  });
});
