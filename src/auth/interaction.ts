/**
 * What the login flows need from the person at the keyboard. The CLI implements it (stderr, or
 * /dev/tty when stderr is captured; the browser opener); `auth/` itself never prints.
 */
export interface Interaction {
  /** Shows a line to the person (a URL to visit, a code to check). */
  show(message: string): void;
  /** Whether a browser can be opened here (a display, no SSH session, or $BROWSER set). */
  readonly canOpenBrowser: boolean;
  /** Opens the URL in a browser; false when no opener worked. */
  openUrl(url: string): Promise<boolean>;
  /** Resolves when the person interrupts (Ctrl+C), so a waiting flow can stop. */
  readonly interrupted: Promise<void>;
}

/** Time comes in as a parameter, so tests can set it. */
export interface Clock {
  now(): number;
  sleep(ms: number, abort?: Promise<void>): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, abort) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      abort?.then(() => {
        clearTimeout(timer);
        resolve();
      });
    }),
};
