import { sanitizeForTerminal } from '../../../src/clients/terminal-text.js';
import type { HistoryEntry } from '../../../src/protocol/frames.js';
import { ME_ACTION } from '../../../src/protocol/frames.js';
import { h } from './dom.js';

/** Lines kept per room; older ones are removed from the page. */
const MAX_LINES = 1000;

const clock = (ts: string | number): string => {
  const date = new Date(ts);
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
};

/**
 * One room's messages as the page shows them. All text passes through the terminal client's
 * sanitiser (controls and bidirectional overrides removed) and becomes a text node. A message is
 * known by its sequence number and time, so history replayed after a reconnect is not shown twice.
 */
export class RoomLog {
  readonly element = h('ol', { class: 'log', role: 'log', 'aria-live': 'polite', 'aria-label': 'messages' });
  private readonly seen = new Set<string>();
  private readonly pending = new Map<string, HTMLElement>();

  history(entries: HistoryEntry[]): void {
    for (const entry of entries) this.message(entry.from, entry.text, entry.seq, entry.ts);
  }

  message(from: string, text: string, seq: number, ts: string): void {
    if (!this.remember(seq, ts)) return;
    this.add(this.line(from, text, ts, 'message'));
  }

  /** Our own line, shown at once and marked when the hub acknowledges it. */
  own(id: string, from: string, text: string): void {
    const line = this.line(from, text, Date.now(), 'message own');
    const mark = h('span', { class: 'mark', 'aria-label': 'sending', title: 'sending' }, '…');
    line.append(' ', mark);
    line.dataset.state = 'sending';
    this.pending.set(id, line);
    this.add(line);
  }

  acked(id: string, seq: number, ts: string): void {
    const line = this.pending.get(id);
    if (!line) return;
    this.pending.delete(id);
    this.remember(seq, ts);
    line.dataset.state = 'delivered';
    this.setMark(line, '✓', `delivered as #${seq}`);
  }

  unsent(id: string, reason: string): void {
    const line = this.pending.get(id);
    if (!line) return;
    this.pending.delete(id);
    line.dataset.state = 'unsent';
    this.setMark(line, '✗', `not sent: ${sanitizeForTerminal(reason)}`);
    line.append(' ', h('span', { class: 'reason' }, `not sent: ${sanitizeForTerminal(reason)}`));
  }

  notice(text: string): void {
    this.add(h('li', { class: 'notice' }, h('time', {}, clock(Date.now())), ' ', sanitizeForTerminal(text)));
  }

  private setMark(line: HTMLElement, symbol: string, label: string): void {
    const mark = line.querySelector('.mark');
    if (!mark) return;
    mark.textContent = symbol;
    mark.setAttribute('aria-label', label);
    mark.setAttribute('title', label);
  }

  private remember(seq: number, ts: string): boolean {
    const key = `${seq} ${ts}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    if (this.seen.size > MAX_LINES * 2) this.seen.delete(this.seen.values().next().value as string);
    return true;
  }

  private line(from: string, text: string, ts: string | number, kind: string): HTMLElement {
    const who = sanitizeForTerminal(from);
    const body = text.startsWith(ME_ACTION)
      ? h('span', { class: 'text action' }, `* ${who} ${sanitizeForTerminal(text.slice(ME_ACTION.length))}`)
      : h('span', { class: 'text' }, sanitizeForTerminal(text));
    return h(
      'li',
      { class: kind },
      h('time', {}, clock(ts)),
      ' ',
      ...(text.startsWith(ME_ACTION) ? [] : [h('b', { class: 'from' }, who), ' ']),
      body,
    );
  }

  private add(line: HTMLElement): void {
    const atBottom = this.element.scrollHeight - this.element.scrollTop - this.element.clientHeight < 40;
    this.element.append(line);
    while (this.element.childElementCount > MAX_LINES) this.element.firstElementChild?.remove();
    if (atBottom) line.scrollIntoView({ block: 'end' });
  }
}
