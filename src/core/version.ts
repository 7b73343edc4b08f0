declare const ROLECALL_VERSION: string | undefined;

/** Injected by the bundler; sources run by the test runner report a development version. */
export const version: string = typeof ROLECALL_VERSION === 'string' ? ROLECALL_VERSION : '0.0.0-dev';
