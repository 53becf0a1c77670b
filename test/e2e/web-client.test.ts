import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, screenshot, type WatchedPage } from '../helpers/browser.js';
import { freePort } from '../helpers/ports.js';
import { CLI, makeStackEnv, type StackEnv, startChatServices, startService, type TestProcess } from '../helpers/processes.js';
import { Terminal } from '../helpers/terminal.js';

/**
 * The web client in a real Chromium (Debian's), against real services on loopback: two browser
 * pages and a terminal user in one private room, a wrong passphrase, hostile text, a hub killed
 * with SIGKILL, shareable links, a phone-sized dark screen and the keyboard alone.
 */
let stack: StackEnv;
let hub: TestProcess;
let browser: Browser;
let base: string;
let alice: WatchedPage;
let bob: WatchedPage;
let carol: Terminal;

const ROOM = 'study-group';
const PASSPHRASE = 'correct horse';

beforeAll(async () => {
  Terminal.ensureTmux();
  stack = await makeStackEnv();
  hub = await startChatServices(stack);
  const port = await freePort();
  await startService('web', stack, ['--web-port', String(port)]);
  base = `http://127.0.0.1:${port}`;
  browser = await launchChromium();
}, 60_000);

afterAll(() => stack.cleanup());

const say = async (page: Page, text: string): Promise<void> => {
  await page.fill('#say', text);
  await page.press('#say', 'Enter');
};
const line = (page: Page, text: string, state?: 'sending' | 'delivered') =>
  page.locator(state ? `.log li[data-state="${state}"]` : '.log li', { hasText: text }).first();

describe('the web client in Chromium', () => {
  it('two pages and a terminal user chat in a private room created from the page and joined by its link', async () => {
    alice = await openPage(browser, `${base}/`);
    await alice.page.fill('#user', 'alice');
    await alice.page.fill('form.create input[name="name"]', ROOM);
    await alice.page.fill('form.create input[name="passphrase"]', PASSPHRASE);
    await alice.page.selectOption('form.create select[name="lifetime"]', { label: '1 day' });
    await alice.page.click('form.create button[type="submit"]');
    await alice.page.locator('.chat').waitFor();
    expect(alice.page.url()).toBe(`${base}/r/${ROOM}`);
    await alice.page.locator('.countdown', { hasText: /closes in (23h|1d)/ }).waitFor();

    // bob follows the shareable link alice's address bar shows, on a phone, in dark mode.
    bob = await openPage(browser, `${base}/r/${ROOM}`, { viewport: { width: 390, height: 760 }, colorScheme: 'dark', isMobile: true });
    await bob.page.fill('#user', 'bob');
    await bob.page.fill('.linked input[name="passphrase"]', PASSPHRASE);
    await bob.page.click('.linked button[type="submit"]');
    await bob.page.locator('.chat').waitFor();

    carol = await Terminal.open('carol', ['node', CLI, 'chat', '--user', 'carol', '--room', ROOM, '--passphrase', PASSPHRASE], stack.env);
    await carol.waitForText('connected as carol');
    await alice.page.locator('ul.who li', { hasText: 'carol' }).waitFor();
    expect(await alice.page.locator('ul.who li').allTextContents()).toEqual(['alice', 'bob Remove', 'carol Remove']);

    await say(alice.page, 'did everyone read chapter 4?');
    await line(alice.page, 'did everyone read chapter 4?', 'delivered').waitFor();
    await line(bob.page, 'alice did everyone read chapter 4?').waitFor();
    await carol.waitForText('alice: did everyone read chapter 4?');

    await carol.type('yes, from the terminal');
    await line(alice.page, 'carol yes, from the terminal').waitFor();
    await line(bob.page, 'carol yes, from the terminal').waitFor();

    await say(bob.page, '/me waves');
    await line(bob.page, '* bob waves', 'delivered').waitFor();
    await line(alice.page, '* bob waves').waitFor();
    await carol.waitForText('* bob waves');

    // A phone-sized screen: nothing wider than the screen, and the dark colours in use.
    // (Expressions as strings: the test's TypeScript has no DOM types; they run in the page.)
    expect(await bob.page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
    const background = await bob.page.evaluate<string>('getComputedStyle(document.body).backgroundColor');
    const [r, g, b] = (background.match(/\d+/g) ?? []).map(Number) as [number, number, number];
    expect(r + g + b).toBeLessThan(150);
    await screenshot(alice.page, 'chat-desktop-light');
    await screenshot(bob.page, 'chat-phone-dark');
    expect([...alice.problems, ...bob.problems]).toEqual([]);
  }, 90_000);

  it('refuses a wrong passphrase and says so on the page', async () => {
    const eve = await openPage(browser, `${base}/r/${ROOM}`);
    await eve.page.fill('#user', 'eve');
    await eve.page.fill('.linked input[name="passphrase"]', 'battery staple');
    await eve.page.click('.linked button[type="submit"]');
    await eve.page.locator('.linked .error', { hasText: 'wrong passphrase' }).waitFor();
    expect(await eve.page.locator('.chat').count()).toBe(0);
    await screenshot(eve.page, 'wrong-passphrase');
    await eve.page.context().close();
  });

  it('shows HTML and bidirectional overrides as plain text, never as markup', async () => {
    const attack = '<img src=x onerror=alert(1)>';
    await say(alice.page, attack);
    await say(alice.page, 'abc\u202Edef\u2066ghi');
    await line(bob.page, 'abcdefghi').waitFor();
    await line(bob.page, attack).waitFor();
    for (const page of [alice.page, bob.page]) {
      expect(await page.locator('.log img').count()).toBe(0);
      expect(await page.locator('.log').last().textContent()).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    }
    await carol.waitForText(attack);
    expect([...alice.dialogs, ...bob.dialogs]).toEqual([]);
    expect([...alice.problems, ...bob.problems]).toEqual([]);
    await screenshot(bob.page, 'hostile-text');
  });

  it('reconnects after the hub is killed with SIGKILL and sends what was typed meanwhile', async () => {
    hub.kill('SIGKILL');
    await hub.waitForExit();
    await alice.page.locator('.connection', { hasText: 'reconnecting' }).waitFor();
    await say(alice.page, 'typed while the hub was down');
    await line(alice.page, 'typed while the hub was down', 'sending').waitFor();
    await screenshot(alice.page, 'reconnecting');
    hub = await startService('hub', stack);
    await line(alice.page, 'typed while the hub was down', 'delivered').waitFor({ timeout: 20_000 });
    await line(bob.page, 'alice typed while the hub was down').waitFor({ timeout: 20_000 });
    await carol.waitForText('alice: typed while the hub was down', 20_000);
    expect(await alice.page.locator('.connection').textContent()).toBe('');
  }, 60_000);

  it('can be used with the keyboard alone: name, room, passphrase, message', async () => {
    const dave = await openPage(browser, `${base}/`);
    const focused = () => dave.page.evaluate<string>("document.activeElement?.getAttribute('name') ?? ''");
    await dave.page.keyboard.type('dave');
    for (let presses = 0; presses < 40 && (await focused()) !== 'room'; presses++) await dave.page.keyboard.press('Tab');
    expect(await focused()).toBe('room');
    await dave.page.keyboard.type(ROOM);
    await dave.page.keyboard.press('Tab');
    await dave.page.keyboard.type(PASSPHRASE);
    await dave.page.keyboard.press('Enter');
    await dave.page.locator('.chat').waitFor();
    await dave.page.keyboard.type('typed with the keyboard alone');
    await dave.page.keyboard.press('Enter');
    await line(dave.page, 'typed with the keyboard alone', 'delivered').waitFor();
    await line(alice.page, 'dave typed with the keyboard alone').waitFor();
    await dave.page.context().close();
  });

  it('lets the owner remove someone and delete the room, and every page notices', async () => {
    await alice.page.locator('ul.who li', { hasText: 'bob' }).getByRole('button', { name: 'remove bob' }).click();
    await bob.page
      .locator('.connection, .log li', { hasText: /no longer in|removed/ })
      .first()
      .waitFor();
    await alice.page.getByRole('button', { name: 'Delete room' }).click();
    await alice.page.getByRole('button', { name: /Really delete/ }).click();
    await alice.page
      .locator('.log li, .connection', { hasText: /no longer in|deleted/ })
      .first()
      .waitFor();
    await carol.waitForText(`left ${ROOM}`);
  });
});
