import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../support/cli.js';

/**
 * The reliability suite runs twice over: a quick pass inside `npm test`, and the full storms under
 * `npm run test:reliability` (RELIABILITY=full), which also records its figures for docs/reliability.md.
 */
export const FULL = process.env['RELIABILITY'] === 'full';

/** How many cases, runs or seconds a scenario uses in this pass. */
export const scaled = (quick: number, full: number): number => (FULL ? full : quick);

/** A per-test time limit that fits the pass: the storms of the full pass run for minutes. */
export const timeLimit = (quickMs: number, fullMs: number): number => (FULL ? fullMs : quickMs);

export interface Figures {
  /** One row of docs/reliability.md: what was attacked and how it went. */
  scenario: string;
  cases: number;
  passed: number;
  /** Requests that reached the emulator, when counted. */
  requests?: number;
  ms: number;
  notes?: string;
}

/** Saves a scenario's figures under test-artifacts/reliability/ (the report is written from them). */
export function recordFigures(id: string, figures: Figures): void {
  const dir = join(repoRoot, 'test-artifacts', 'reliability', FULL ? 'full' : 'quick');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${id}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}
