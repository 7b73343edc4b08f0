import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { type RunningProcess, Sandbox, STACK_FRAME } from '../support/cli.js';
import { emulator, opCount, ssoConfig } from '../support/emulator.js';
import { describeWithChromium, launchChromium, resetScreenshots, screenshot } from './chromium.js';

/** The longest any one step may take: a page load, a click, a line of output, the end of a login. */
const STEP_MS = 10_000;

/** The promise's value, or a failure naming what did not happen in time. */
async function within<T>(promise: Promise<T>, what: string, ms = STEP_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Where `$BROWSER` (hand-off.mjs) delivers the URL rolecall opens: an HTTP endpoint on 127.0.0.1 in
 * this process, which the test's Chromium then loads.
 */
async function openInbox(): Promise<{ url: string; next(): Promise<string>; close(): Promise<void> }> {
  const received: string[] = [];
  const waiting: ((url: string) => void)[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      response.writeHead(204).end();
      const deliver = waiting.shift();
      if (deliver) deliver(body);
      else received.push(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    next: () => {
      const first = received.shift();
      if (first !== undefined) return Promise.resolve(first);
      return within(new Promise<string>((resolve) => waiting.push(resolve)), 'rolecall opening a URL with $BROWSER');
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const CALLBACK_URL = /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback\?/;
const DEVICE_PROMPT = /To sign in, open (http:\/\/127\.0\.0\.1:\d+\/device\?user_code=[A-Z]{4}-[A-Z]{4})\n/;
const USER_CODE = /and check that it shows the code: ([A-Z]{4}-[A-Z]{4})\n/;

describeWithChromium('rolecall login in a real browser (Chromium, headless)', () => {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  const emulators: Emulator[] = [];
  const logins: RunningProcess[] = [];
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    resetScreenshots();
    browser = await launchChromium();
  });

  afterEach(async ({ task }) => {
    // A failed test leaves a picture of where the browser was.
    if (page && task.result?.state === 'fail') await screenshot(page, task.name, 'failure').catch(() => undefined);
    await context?.close();
    context = undefined;
    page = undefined;
    for (const login of logins.splice(0)) {
      if (login.child.exitCode === null && login.child.signalCode === null) login.child.kill();
    }
    await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
    await Promise.all(emulators.splice(0).map((emu) => emu.close()));
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** An emulator that asks the person (no auto-approve), a fresh browser context, and a way to start rolecall. */
  async function setUp() {
    const { emu, env } = await emulator({ autoApprove: false });
    emulators.push(emu);
    const sandbox = new Sandbox();
    sandbox.write('rolecall.yaml', ssoConfig());
    context = await browser!.newContext({ viewport: { width: 800, height: 600 } });
    context.setDefaultTimeout(STEP_MS);
    context.setDefaultNavigationTimeout(STEP_MS);
    page = await context.newPage();
    const start = (args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
      const login = sandbox.start(args, { env: { ...env, ...extraEnv } });
      logins.push(login);
      return login;
    };
    return { emu, page, start };
  }

  /** rolecall's `$BROWSER` is hand-off.mjs, which passes the URL on to the test's inbox. */
  async function browserHandOff() {
    const inbox = await openInbox();
    cleanups.push(inbox.close);
    const env = {
      BROWSER: `${process.execPath} ${join(import.meta.dirname, 'hand-off.mjs')}`,
      BROWSER_INBOX: inbox.url,
    };
    return { inbox, env };
  }

  it("signs in with PKCE when the person clicks Allow on the consent page, ending on rolecall's callback page", async ({
    task,
  }) => {
    const { emu, page, start } = await setUp();
    const { inbox, env } = await browserHandOff();
    const login = start(['login'], env);

    const opened = new URL(await inbox.next());
    expect(opened.origin).toBe(emu.url);
    expect(opened.pathname).toBe('/authorize');
    expect(opened.searchParams.get('code_challenge_method')).toBe('S256');

    await page.goto(opened.href);
    expect(await page.locator('h1').textContent()).toBe('Allow access?');
    expect(await page.locator('main').textContent()).toContain('asks for access to your AWS accounts');
    await screenshot(page, task.name, '1-consent');

    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL(CALLBACK_URL);
    expect(new URL(page.url()).searchParams.get('code')).toBeTruthy();
    expect(await page.locator('h1').textContent()).toBe('Signed in to rolecall');
    expect(await page.locator('body').textContent()).toContain('You can close this tab and return to the terminal.');
    await screenshot(page, task.name, '2-callback');

    const result = await within(login.done, 'rolecall login exiting');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('Sign in in the browser window that opened.');
    expect(result.stderr).toContain('✓ Logged in to sso-prod');
    expect(opCount(emu, 'CreateToken')).toBe(1);
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(0);
  });

  it('ends the PKCE login with exit 3 and a clear message when the person clicks Deny on the consent page', async ({
    task,
  }) => {
    const { emu, page, start } = await setUp();
    const { inbox, env } = await browserHandOff();
    const login = start(['login'], env);

    await page.goto(await inbox.next());
    expect(await page.locator('h1').textContent()).toBe('Allow access?');
    await page.getByRole('button', { name: 'Deny', exact: true }).click();
    await page.waitForURL(CALLBACK_URL);
    expect(new URL(page.url()).searchParams.get('error')).toBe('access_denied');
    expect(await page.locator('h1').textContent()).toBe('Sign-in not completed');
    expect(await page.locator('body').textContent()).toContain('You can close this tab and return to the terminal.');
    await screenshot(page, task.name, 'callback');

    const result = await within(login.done, 'rolecall login exiting');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('error: the sign-in request was denied');
    expect(result.stderr).toContain('hint: run `rolecall login` again and choose Allow');
    expect(result.stderr).not.toContain('✓');
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(opCount(emu, 'CreateToken')).toBe(0);
  });

  it('signs in with the device code when the page in Chromium shows the code rolecall printed and the person clicks Allow', async ({
    task,
  }) => {
    const { emu, page, start } = await setUp();
    // No $BROWSER and no display (the sandbox has neither): rolecall only prints the URL and the code.
    const login = start(['login', '--use-device-code']);
    const [, url] = await within(login.waitFor('stderr', DEVICE_PROMPT), 'the verification URL on stderr');
    const [, userCode] = await within(login.waitFor('stderr', USER_CODE), 'the user code on stderr');

    await page.goto(url!);
    expect(await page.locator('h1').textContent()).toBe('Authorize request');
    const shown = page.locator('.code');
    expect(await shown.isVisible()).toBe(true);
    expect(await shown.textContent()).toBe(userCode);
    // The code the page sends back with the person's answer is the same one.
    expect(await page.locator('input[name="user_code"]').inputValue()).toBe(userCode);
    await screenshot(page, task.name, '1-verification');

    await page.getByRole('button', { name: 'Allow', exact: true }).click();
    await page.waitForURL(/\/device$/);
    expect(await page.locator('h1').textContent()).toBe('Request approved');
    await screenshot(page, task.name, '2-approved');

    const result = await within(login.done, 'rolecall login exiting');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('✓ Logged in to sso-prod');
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(1);
  });

  it('ends the device-code login with exit 3 and a clear message when the person clicks Deny', async ({ task }) => {
    const { emu, page, start } = await setUp();
    const login = start(['login', '--use-device-code']);
    const [, url] = await within(login.waitFor('stderr', DEVICE_PROMPT), 'the verification URL on stderr');
    const [, userCode] = await within(login.waitFor('stderr', USER_CODE), 'the user code on stderr');

    await page.goto(url!);
    expect(await page.locator('.code').textContent()).toBe(userCode);
    await page.getByRole('button', { name: 'Deny', exact: true }).click();
    await page.waitForURL(/\/device$/);
    expect(await page.locator('h1').textContent()).toBe('Request denied');
    await screenshot(page, task.name, 'denied');

    const result = await within(login.done, 'rolecall login exiting');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('error: the sign-in request was denied');
    expect(result.stderr).not.toContain('✓');
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(opCount(emu, 'StartDeviceAuthorization')).toBe(1);
  });
});
