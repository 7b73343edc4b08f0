/**
 * `12h`, `90m`, `1h30m`, `45s`: hours, minutes and seconds, each at most once, in that order, not all
 * zero. One pattern, so that the JSON Schema given to editors says exactly what validation checks.
 */
export const DURATION_PATTERN = /^(?=\d)(?=.*[1-9])(?:\d+h)?(?:\d+m)?(?:\d+s)?$/;
