/** A non-empty string: what every name, token and key rolecall reads from a file or an answer must be. */
export const isText = (value: unknown): value is string => typeof value === 'string' && value !== '';

/** Text, or undefined for anything else: an optional string field of an AWS answer. */
export const textOrUndefined = (value: unknown): string | undefined => (isText(value) ? value : undefined);

/** A time `Date.parse` reads (ISO 8601, as rolecall writes them). */
export const isTime = (value: unknown): value is string => isText(value) && !Number.isNaN(Date.parse(value));
