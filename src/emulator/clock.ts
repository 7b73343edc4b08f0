/** Milliseconds since the epoch. Every expiry decision reads it, so tests can move time instead of waiting. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
