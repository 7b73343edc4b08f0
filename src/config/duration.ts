/**
 * `12h`, `90m`, `1h30m`, `45s`: hours, minutes and seconds, each at most once, in that order, not all
 * zero. One pattern, so that the JSON Schema given to editors says exactly what validation checks.
 */
export const DURATION_PATTERN = /^(?=\d)(?=.*[1-9])(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/** Seconds in a duration string, or undefined when it is not one. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_PATTERN.exec(text);
  if (!match) return undefined;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}
