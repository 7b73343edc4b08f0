import type { OperationName } from './operations.js';

export interface StatsSnapshot {
  requests: Partial<Record<OperationName, number>>;
  throttled: number;
}

export interface Stats {
  count(operation: OperationName): void;
  countThrottled(): void;
  snapshot(): StatsSnapshot;
  reset(): void;
}

export const createStats = (): Stats => {
  let requests = new Map<OperationName, number>();
  let throttled = 0;
  return {
    count: (operation) => {
      requests.set(operation, (requests.get(operation) ?? 0) + 1);
    },
    countThrottled: () => {
      throttled += 1;
    },
    snapshot: () => ({ requests: Object.fromEntries(requests), throttled }),
    reset: () => {
      requests = new Map();
      throttled = 0;
    },
  };
};
