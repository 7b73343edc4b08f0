import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { refuseSymlink, writeFileAtomic } from '../store/atomic-write.js';
import type { StateDirs } from '../store/paths.js';

/** Console sign-in tokens last 15 minutes; a page older than that is worthless and removed. */
const PAGE_LIFETIME_MS = 15 * 60 * 1000;
const PAGE_NAME = /^[0-9a-f]{16}\.html$/;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.codePointAt(0)};`);

/**
 * A private local page that forwards the browser to a secret URL, so that the URL (a console sign-in
 * token) never appears in a browser's command line, where every user of the machine can read it.
 * Returns the page's file:// URL.
 */
export function writeRedirectPage(dirs: StateDirs, secretUrl: string): string {
  const dir = join(dirs.state, 'console');
  refuseSymlink(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stats = lstatSync(path, { throwIfNoEntry: false });
    // Only rolecall's own pages: anything else there is left alone.
    if (PAGE_NAME.test(name) && stats?.isFile() && Date.now() - stats.mtimeMs > PAGE_LIFETIME_MS) {
      rmSync(path, { force: true });
    }
  }
  const page = join(dir, `${randomBytes(8).toString('hex')}.html`);
  const href = escapeHtml(secretUrl);
  writeFileAtomic(
    page,
    `<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer"><meta http-equiv="refresh" content="0;url=${href}"><title>rolecall: opening the AWS console</title><p><a href="${href}">Open the AWS console</a></p>\n`,
  );
  return pathToFileURL(page).toString();
}
