import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';
import { afterAll } from 'vitest';
import { ROOT } from './processes.js';
import { requireTool } from './requirements.js';

/** Screenshots the browser tests take, kept with the test output (gitignored). */
export const SCREENSHOT_DIR = path.join(ROOT, 'test-output/screenshots');

/** Debian's chromium package: /usr/bin/chromium is a wrapper script; the browser itself is here. */
const CHROMIUM = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'];

const browsers = new Set<Browser>();
afterAll(async () => {
  await Promise.all([...browsers].map((browser) => browser.close()));
  browsers.clear();
});

/** Debian's Chromium, headless, driven by playwright-core (no browser download is possible here). */
export async function launchChromium(): Promise<Browser> {
  requireTool('chromium');
  const executablePath = CHROMIUM.find((file) => existsSync(file));
  if (!executablePath) throw new Error('chromium is installed but not where Debian puts it (/usr/lib/chromium/chromium)');
  // The sandbox needs user namespaces, which a root session in a container does not have.
  const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
  browsers.add(browser);
  return browser;
}

/** A page that records what the tests must never see: dialogs (an alert() that ran), page errors, CSP reports. */
export interface WatchedPage {
  page: Page;
  dialogs: string[];
  problems: string[];
}

export async function openPage(browser: Browser, url: string, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const watched: WatchedPage = { page, dialogs: [], problems: [] };
  page.on('dialog', (dialog) => {
    watched.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('pageerror', (error) => watched.problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) watched.problems.push(message.text());
  });
  await page.goto(url);
  return watched;
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
