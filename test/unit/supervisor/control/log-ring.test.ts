import { describe, expect, it } from 'vitest';
import { LogRing, TooManyFollowers } from '../../../../src/supervisor/control/log-ring.js';

const ring = (maxLines = 5, maxBytes = 1000, maxFollowers = 2): LogRing => new LogRing({ maxLines, maxBytes, maxFollowers });

describe('log ring', () => {
  it('keeps the last lines up to its line limit and tails them oldest first', () => {
    const log = ring(3);
    for (const n of [1, 2, 3, 4, 5]) log.push('hub', `l${n}`);
    expect(log.tail(10).lines).toEqual(['l3', 'l4', 'l5']);
    expect(log.tail(2).lines).toEqual(['l4', 'l5']);
  });

  it('drops the oldest lines to stay within its byte limit', () => {
    const log = ring(100, 10);
    log.push('hub', 'aaaa');
    log.push('hub', 'bbbb');
    log.push('hub', 'cccc');
    expect(log.tail(10).lines).toEqual(['bbbb', 'cccc']);
  });

  it('tails and follows one service', () => {
    const log = ring();
    log.push('hub', 'h1');
    log.push('rooms', 'r1');
    log.push('hub', 'h2');
    expect(log.tail(10, 'hub').lines).toEqual(['h1', 'h2']);
    expect(log.since(1, 10, 'rooms').lines).toEqual(['r1']);
  });

  it('hands each line to a reader once, by cursor, and says how many it missed', () => {
    const log = ring(3);
    const start = log.tail(0).next;
    log.push('hub', 'a');
    log.push('hub', 'b');
    const first = log.since(start, 10);
    expect(first).toEqual({ lines: ['a', 'b'], next: start + 2, missed: 0 });
    for (const line of ['c', 'd', 'e', 'f']) log.push('hub', line);
    expect(log.since(first.next, 10)).toEqual({ lines: ['d', 'e', 'f'], next: start + 6, missed: 1 });
  });

  it('answers at most the limit and continues where it stopped', () => {
    const log = ring(10);
    for (const line of ['a', 'b', 'c']) log.push('hub', line);
    const page = log.since(1, 2);
    expect(page.lines).toEqual(['a', 'b']);
    expect(log.since(page.next, 2).lines).toEqual(['c']);
  });

  it('reads a cursor from another supervisor run as "from now on"', () => {
    const log = ring();
    log.push('hub', 'a');
    expect(log.since(999, 10)).toEqual({ lines: [], next: 2, missed: 0 });
  });

  it('wakes a follower when a line of its service arrives, and only then', async () => {
    const log = ring();
    const cursor = log.tail(0).next;
    const following = log.follow(cursor, 10, 5000, 'hub');
    log.push('rooms', 'not this');
    log.push('hub', 'this');
    expect((await following).lines).toEqual(['this']);
  });

  it('answers a follower with nothing once its wait is over', async () => {
    const log = ring();
    expect(await log.follow(log.tail(0).next, 10, 20)).toEqual({ lines: [], next: 1, missed: 0 });
  });

  it('refuses followers beyond its limit', async () => {
    const log = ring(5, 1000, 1);
    const controller = new AbortController();
    const waiting = log.follow(1, 10, 5000, undefined, controller.signal);
    await expect(log.follow(1, 10, 5000)).rejects.toBeInstanceOf(TooManyFollowers);
    controller.abort();
    expect((await waiting).lines).toEqual([]);
  });
});
