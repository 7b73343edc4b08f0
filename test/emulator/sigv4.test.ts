import { describe, expect, it } from 'vitest';
import { computeSignature, parseAuthorization, verifySignature } from '../../src/emulator/sigv4.js';

// From the AWS Signature Version 4 test suite (get-vanilla, get-vanilla-query-order-key-case).
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const AMZ_DATE = '20150830T123600Z';
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const headers = { host: 'example.amazonaws.com', 'x-amz-date': AMZ_DATE };
const authorization = (signature: string) =>
  parseAuthorization(
    `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${signature}`,
  );
const vanilla = { method: 'GET', path: '/', rawQuery: '', headers, body: Buffer.alloc(0) };

describe('SigV4', () => {
  it('computes the signatures of the AWS test suite', () => {
    expect(computeSignature(vanilla, authorization('x'), SECRET, AMZ_DATE, EMPTY_SHA256)).toBe(
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
    const query = { ...vanilla, rawQuery: 'Param2=value2&Param1=value1' };
    expect(computeSignature(query, authorization('x'), SECRET, AMZ_DATE, EMPTY_SHA256)).toBe(
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500',
    );
  });

  it('verifies a good signature and names what is wrong with a bad one', () => {
    const signedAt = Date.UTC(2015, 7, 30, 12, 36);
    const good = authorization('5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31');
    expect(() => verifySignature(vanilla, good, SECRET, 'service', signedAt)).not.toThrow();
    expect(() => verifySignature(vanilla, authorization('0'.repeat(64)), SECRET, 'service', signedAt)).toThrow(
      /signature we calculated does not match/,
    );
    expect(() => verifySignature(vanilla, good, SECRET, 'sts', signedAt)).toThrow(/scoped to correct service: 'sts'/);
    expect(() => verifySignature(vanilla, good, SECRET, 'service', signedAt + 16 * 60_000)).toThrow(
      /Signature expired/,
    );
    expect(() => verifySignature(vanilla, good, SECRET, 'service', signedAt - 16 * 60_000)).toThrow(/not yet current/);
  });

  it('refuses Authorization headers that are not SigV4', () => {
    expect(() => parseAuthorization('AWS AKID:signature')).toThrow(/Unsupported AWS 'algorithm'/);
    expect(() => parseAuthorization('AWS4-HMAC-SHA256 Credential=a/b/c')).toThrow(/requires 'Credential'/);
    expect(() => parseAuthorization('AWS4-HMAC-SHA256 Credential=a/b, SignedHeaders=host, Signature=x')).toThrow(
      /exactly 5 slash-delimited elements/,
    );
  });
});
