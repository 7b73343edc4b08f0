import { fileURLToPath } from 'node:url';

/**
 * How a child process runs this same rolecall: this Node and the bin script beside the bundle, by
 * absolute path, so that neither PATH nor the working folder matters.
 */
export const rolecallCommand = (): string[] => [
  process.execPath,
  fileURLToPath(new URL('../bin/rolecall.cjs', import.meta.url)),
];
