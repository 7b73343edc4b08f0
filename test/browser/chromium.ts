import { accessSync, constants, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { describe } from 'vitest';
import { repoRoot } from '../support/cli.js';

/** Debian's Chromium (`apt-get install -y chromium`); a browser is never downloaded. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, loopback only: no QUIC, no updates, no sync, no background requests to Google. */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Why Chromium cannot run here, or undefined when it can. */
function chromiumProblem(): string | undefined {
  if (process.platform !== 'linux') return 'these tests drive Debian’s Chromium, on Linux only';
  try {
    accessSync(CHROMIUM, constants.X_OK);
    return undefined;
  } catch {
    return `${CHROMIUM} is missing (apt-get install -y chromium)`;
  }
}

export const chromiumMissing = chromiumProblem();
const inCi = Boolean(process.env['CI']);

/**
 * `describe` for tests that drive a real Chromium: skipped, with the reason in its title, on a machine
 * without it; in CI a missing Chromium fails them instead (launchChromium says why).
 */
export function describeWithChromium(title: string, body: () => void): void {
  const note = chromiumMissing ? ` (${inCi ? 'failing in CI' : 'skipped'}: ${chromiumMissing})` : '';
  (chromiumMissing && !inCi ? describe.skip : describe)(`${title}${note}`, body);
}

/** A headless Chromium with its own temporary profile; each test takes a fresh context of it. */
export async function launchChromium(): Promise<Browser> {
  if (chromiumMissing) throw new Error(`cannot run the browser tests: ${chromiumMissing}`);
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 20_000 });
}

/** Where screenshots go: a test artefact, git-ignored. */
export const screenshotDir = join(repoRoot, 'test-artifacts', 'browser');

/** Empties the screenshot folder, so that it holds this run's pictures only. */
export function resetScreenshots(): void {
  rmSync(screenshotDir, { recursive: true, force: true });
  mkdirSync(screenshotDir, { recursive: true });
}

/** A file name from a test's title, at most 80 characters of whole words: `signs in with PKCE…` → `signs-in-with-pkce…`. */
export function slug(text: string): string {
  const words = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (words.length <= 80) return words;
  const cut = words.slice(0, 81);
  return cut.slice(0, cut.lastIndexOf('-'));
}

/** Saves the whole page as `test-artifacts/browser/<test>-<step>.png`; returns the file. */
export async function screenshot(page: Page, testName: string, step: string): Promise<string> {
  const file = join(screenshotDir, `${slug(testName)}-${step}.png`);
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: file, fullPage: true, timeout: 10_000 });
  return file;
}
