import { createHmac, randomBytes } from 'node:crypto';
import { awsError } from './errors.js';
import { SERVICE_LIMITS } from './settings.js';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export type Paginate = <T>(items: readonly T[], listName: string, query: URLSearchParams) => Page<T>;

/**
 * Pages as the portal does: `max_result` 1-100 (enforced server-side since 2026), `defaultPageSize`
 * without it, and opaque URL-safe `next_token`s that only this emulator can mint, each bound to
 * the list it pages through (`listName`).
 */
export const createPaginator = (defaultPageSize: number): Paginate => {
  const key = randomBytes(32);
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest('base64url').slice(0, 22);
  const invalidToken = () => awsError('InvalidRequestException', 'Invalid next token');

  const pageSize = (query: URLSearchParams): number => {
    const text = query.get('max_result');
    if (text === null) return defaultPageSize;
    const size = Number(text);
    if (!/^\d+$/.test(text) || size < 1 || size > SERVICE_LIMITS.maxPageSize) {
      throw awsError('InvalidRequestException', 'ResultSize parameter must be within the valid limits of: 1-100');
    }
    return size;
  };

  const offset = (query: URLSearchParams, listName: string): number => {
    const token = query.get('next_token');
    if (token === null || token === '') return 0;
    const [encoded = '', signature] = token.split('.');
    const payload = Buffer.from(encoded, 'base64url').toString('utf8');
    const [start, list] = payload.split('\n');
    if (signature !== mac(payload) || list !== listName) throw invalidToken();
    return Number(start);
  };

  return (items, listName, query) => {
    const size = pageSize(query);
    const start = offset(query, listName);
    const end = start + size;
    if (end >= items.length) return { items: items.slice(start) };
    const payload = `${end}\n${listName}`;
    return {
      items: items.slice(start, end),
      nextToken: `${Buffer.from(payload).toString('base64url')}.${mac(payload)}`,
    };
  };
};
