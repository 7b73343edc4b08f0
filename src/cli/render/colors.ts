import { createColors } from 'picocolors';

export type Colors = ReturnType<typeof createColors>;

/** Colour only for a terminal, and never when `--no-color` or `NO_COLOR` (any non-empty value) says so. */
export function shouldColor(stream: { isTTY?: boolean }, noColorFlag: boolean, env: NodeJS.ProcessEnv): boolean {
  return !noColorFlag && !env['NO_COLOR'] && stream.isTTY === true;
}

export const colors = (enabled: boolean): Colors => createColors(enabled);
