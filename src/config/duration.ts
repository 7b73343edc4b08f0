/**
 * `12h`, `90m`, `1h30m`, `45s`: hours, minutes and seconds, each at most once, in that order, not all
 * zero. One pattern, so that the JSON Schema given to editors says exactly what validation checks.
 */
export const DURATION_PATTERN = /^(?=\d)(?=.*[1-9])(?:\d+h)?(?:\d+m)?(?:\d+s)?$/;

/** The length of a duration that matches DURATION_PATTERN, in seconds. */
export function durationSeconds(text: string): number {
  const part = (unit: string) => Number(new RegExp(`(\\d+)${unit}`).exec(text)?.[1] ?? 0);
  return part('h') * 3600 + part('m') * 60 + part('s');
}

/** Seconds written as a duration (`12h`, `1h30m`, `45s`), as the configuration spells them. */
export function formatDuration(seconds: number): string {
  const parts = [
    [Math.floor(seconds / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'm'],
    [seconds % 60, 's'],
  ] as const;
  return parts.map(([value, unit]) => (value > 0 ? `${value}${unit}` : '')).join('') || '0s';
}
