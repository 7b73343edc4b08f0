import { knownErrorStatus } from './errors.js';
import { isOperationName, type OperationName } from './operations.js';

/** Destroys the connection with a TCP reset instead of answering. */
export const CONNECTION_RESET = 'ECONNRESET';

export interface FaultSpec {
  /** An operation name, or `*` for any. */
  operation: string;
  /** The error's shape name as `x-amzn-ErrorType` carries it, or `ECONNRESET`. */
  error?: string;
  /** Defaults to the real status of a known error. */
  status?: number;
  message?: string;
  /** How many of the next matching requests it hits (default 1). */
  count?: number;
  /** Delay before the answer (or the reset); alone, it only slows the requests down. */
  latencyMs?: number;
}

export interface Fault {
  operation: OperationName | '*';
  error: string | undefined;
  status: number | undefined;
  message: string | undefined;
  remaining: number;
  latencyMs: number;
}

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

export interface Faults {
  add(spec: FaultSpec): Fault;
  /** The fault the next request of `operation` gets, if any; counts it down. */
  take(operation: OperationName): Fault | undefined;
  clear(operation?: string): void;
  list(): Fault[];
}

const isWholeNumber = (value: unknown, min: number, max: number): value is number =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;

const validate = (spec: FaultSpec): Fault => {
  const { operation, error, message } = spec;
  if (operation !== '*' && !isOperationName(operation)) throw new FaultSpecError(`unknown operation: ${operation}`);
  const count = spec.count ?? 1;
  if (!isWholeNumber(count, 1, 1_000_000)) throw new FaultSpecError('count must be a whole number from 1');
  const latencyMs = spec.latencyMs ?? 0;
  if (!isWholeNumber(latencyMs, 0, 600_000)) throw new FaultSpecError('latency_ms must be 0-600000');
  if (error !== undefined && (typeof error !== 'string' || !/^[A-Za-z][\w.:#/-]*$/.test(error))) {
    throw new FaultSpecError('error must be an error shape name such as TooManyRequestsException, or ECONNRESET');
  }
  if (message !== undefined && typeof message !== 'string') throw new FaultSpecError('message must be a string');
  if (error === undefined) {
    if (spec.status !== undefined) throw new FaultSpecError('status needs an error name');
    if (latencyMs === 0) throw new FaultSpecError('a fault needs an error or latency_ms');
    return { operation, error, status: undefined, message, remaining: count, latencyMs };
  }
  const status = error === CONNECTION_RESET ? undefined : (spec.status ?? knownErrorStatus(error));
  if (error !== CONNECTION_RESET && !isWholeNumber(status, 400, 599)) {
    throw new FaultSpecError(`status (400-599) is required for ${error}`);
  }
  return { operation, error, status, message, remaining: count, latencyMs };
};

export const createFaults = (): Faults => {
  let faults: Fault[] = [];
  return {
    add: (spec) => {
      const fault = validate(spec);
      faults.push(fault);
      return { ...fault };
    },
    take: (operation) => {
      const fault = faults.find((candidate) => candidate.operation === operation || candidate.operation === '*');
      if (!fault) return undefined;
      fault.remaining -= 1;
      if (fault.remaining === 0) faults = faults.filter((candidate) => candidate !== fault);
      return fault;
    },
    clear: (operation) => {
      faults = operation === undefined ? [] : faults.filter((fault) => fault.operation !== operation);
    },
    list: () => faults.map((fault) => ({ ...fault })),
  };
};
