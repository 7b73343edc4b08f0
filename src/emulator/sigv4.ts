import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { awsError } from './errors.js';

/** AWS Signature Version 4, checked the way AWS checks it (docs/aws-wire-protocol.md §3.4). */

export interface SignedRequest {
  method: string;
  /** As sent, still percent-encoded. */
  path: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Authorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;

const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

const uriEncode = (text: string): string =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const decode = (text: string): string => {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
};

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};

export const parseAuthorization = (value: string): Authorization => {
  const [algorithm = '', ...rest] = value.split(' ');
  if (algorithm !== ALGORITHM) throw awsError('IncompleteSignature', `Unsupported AWS 'algorithm': '${algorithm}'`);
  const fields = new Map<string, string>();
  for (const part of rest.join(' ').split(',')) {
    const equals = part.indexOf('=');
    if (equals > 0) fields.set(part.slice(0, equals).trim(), part.slice(equals + 1).trim());
  }
  const credential = fields.get('Credential');
  const signedHeaders = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!credential || !signedHeaders || !signature) {
    throw awsError(
      'IncompleteSignature',
      "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters.",
    );
  }
  const [accessKeyId, date, region, service, terminator, ...extra] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request' || extra.length > 0) {
    throw awsError(
      'IncompleteSignature',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential}'`,
    );
  }
  return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature };
};

const canonicalUri = (path: string): string => path.split('/').map(uriEncode).join('/') || '/';

const canonicalQuery = (rawQuery: string): string =>
  rawQuery
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals < 0 ? pair : pair.slice(0, equals);
      const value = equals < 0 ? '' : pair.slice(equals + 1);
      return `${uriEncode(decode(name))}=${uriEncode(decode(value))}`;
    })
    .sort()
    .join('&');

const canonicalHeaders = (headers: IncomingHttpHeaders, names: string[]): string =>
  names.map((name) => `${name}:${(header(headers, name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');

export const computeSignature = (
  req: SignedRequest,
  auth: Authorization,
  secretAccessKey: string,
  amzDate: string,
  payloadHash: string,
): string => {
  const canonicalRequest = [
    req.method,
    canonicalUri(req.path),
    canonicalQuery(req.rawQuery),
    canonicalHeaders(req.headers, auth.signedHeaders),
    auth.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  let key = hmac(`AWS4${secretAccessKey}`, auth.date);
  for (const part of [auth.region, auth.service, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
};

const parseAmzDate = (amzDate: string): number => {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!match) return Number.NaN;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  return Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
};

const formatAmzDate = (ms: number): string => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

/**
 * Throws AWS's error unless `req` carries a valid signature by `secretAccessKey` for `service`,
 * made within 15 minutes of `now`. Any region is accepted: clients sign with their own.
 */
export const verifySignature = (
  req: SignedRequest,
  auth: Authorization,
  secretAccessKey: string,
  service: string,
  now: number,
): void => {
  const amzDate = header(req.headers, 'x-amz-date');
  if (!amzDate) {
    throw awsError(
      'IncompleteSignature',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  if (!auth.signedHeaders.includes('host')) {
    throw awsError('IncompleteSignature', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }
  if (auth.service !== service) {
    throw awsError('SignatureDoesNotMatch', `Credential should be scoped to correct service: '${service}'.`);
  }
  if (!amzDate.startsWith(auth.date)) {
    throw awsError(
      'SignatureDoesNotMatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  const bodyHash = sha256Hex(req.body);
  const declaredHash = header(req.headers, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== 'UNSIGNED-PAYLOAD' && declaredHash !== bodyHash) {
    throw awsError(
      'SignatureDoesNotMatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const expected = Buffer.from(computeSignature(req, auth, secretAccessKey, amzDate, declaredHash ?? bodyHash));
  const given = Buffer.from(auth.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw awsError('SignatureDoesNotMatch');

  const signedAt = parseAmzDate(amzDate);
  if (Number.isNaN(signedAt) || signedAt < now - MAX_SKEW_MS) {
    throw awsError(
      'SignatureDoesNotMatch',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`,
    );
  }
  if (signedAt > now + MAX_SKEW_MS) {
    throw awsError(
      'SignatureDoesNotMatch',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + MAX_SKEW_MS)} (${formatAmzDate(now)} + 15 min.)`,
    );
  }
};
