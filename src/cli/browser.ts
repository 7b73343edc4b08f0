import { spawn } from 'node:child_process';
import { delimiter } from 'node:path';

export interface BrowserEnv {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

/**
 * Whether a browser can open for this session: `$BROWSER` says so; an SSH session or a Linux box with
 * no display says not (the device-code flow is used there instead).
 */
export function canOpenBrowser({ env, platform }: BrowserEnv): boolean {
  if (env['BROWSER']) return true;
  if (env['SSH_CONNECTION'] || env['SSH_TTY'] || env['SSH_CLIENT']) return false;
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env['DISPLAY'] || env['WAYLAND_DISPLAY']);
}

/** The commands to try, as git and Python's webbrowser read `$BROWSER`: a list, `%s` for the URL. */
function openers(url: string, { env, platform }: BrowserEnv): string[][] {
  const configured = env['BROWSER'];
  if (configured) {
    return configured
      .split(delimiter)
      .map((command) => command.trim().split(/\s+/).filter(Boolean))
      .filter((words) => words.length > 0)
      .map((words) =>
        words.some((word) => word.includes('%s')) ? words.map((word) => word.replaceAll('%s', url)) : [...words, url],
      );
  }
  if (platform === 'darwin') return [['open', url]];
  if (platform === 'win32') return [['rundll32', 'url.dll,FileProtocolHandler', url]];
  return [['xdg-open', url]];
}

const launch = ([command, ...args]: string[]): Promise<boolean> =>
  new Promise((resolve) => {
    // No shell: the URL is one argument, whatever it contains.
    const child = spawn(command!, args, { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });

/** Opens the URL with the first opener that starts; false when none does. */
export async function openInBrowser(url: string, browserEnv: BrowserEnv): Promise<boolean> {
  for (const opener of openers(url, browserEnv)) if (await launch(opener)) return true;
  return false;
}
