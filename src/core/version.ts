declare const ROLECALL_VERSION: string | undefined;
declare const ROLECALL_BUILD: string | undefined;

/** Injected by the bundler; sources run by the test runner report a development version. */
export const version: string = typeof ROLECALL_VERSION === 'string' ? ROLECALL_VERSION : '0.0.0-dev';

/** Changes with every build, so caches written by another build are not trusted. */
export const buildId: string = typeof ROLECALL_BUILD === 'string' ? ROLECALL_BUILD : `${version}+source`;
