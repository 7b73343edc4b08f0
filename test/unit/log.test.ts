import { describe, expect, it } from 'vitest';
import { createLogger, redact, registerSecret } from '../../src/core/log.js';

describe('the logger', () => {
  it('hides access key ids and long opaque tokens but keeps paths and identity names readable', () => {
    expect(redact('key ASIAQWERTYUIOPASDFGH used')).toBe('key [redacted] used');
    expect(redact('token aoaAbCdEf0123456789GhIjKlMnOpQrStUvWxYz0123 ok')).toBe('token [redacted] ok');
    expect(redact('/home/ann/.cache/rolecall/auth/sso-prod/provisioned-identities.yaml')).toBe(
      '/home/ann/.cache/rolecall/auth/sso-prod/provisioned-identities.yaml',
    );
    expect(redact('production/DeployerAccess')).toBe('production/DeployerAccess');
  });

  it('hides a registered secret whatever its shape', () => {
    registerSecret('hunter2-is-short');
    expect(redact('password hunter2-is-short!')).toBe('password [redacted]!');
  });

  it('writes only messages at or above its level', () => {
    const lines: string[] = [];
    const log = createLogger('warn', { write: (text: string) => lines.push(text) });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines).toEqual(['warning: w\n', 'error: e\n']);
  });
});
