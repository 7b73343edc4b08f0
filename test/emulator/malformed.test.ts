import { request } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.js';
import { emulatorFor } from './helpers.js';

const post = (emulator: Emulator, path: string, body: string) =>
  fetch(`${emulator.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe('malformed requests', () => {
  it.each([
    ['/client/register', '{not json'],
    ['/client/register', '[1, 2]'],
    ['/client/register', '{"clientType":"public"}'],
    ['/client/register', '{"clientName":"x","clientType":"public","scopes":"sso:account:access"}'],
    ['/device_authorization', '{"clientId":"x","clientSecret":"y"}'],
    ['/token', '{"clientId":"x","clientSecret":"y"}'],
    ['/token', '{"clientId":1,"clientSecret":"y","grantType":"refresh_token"}'],
    ['/token', ''],
  ])('POST %s %s gets 400 InvalidRequestException', async (path, body) => {
    const emulator = await emulatorFor();
    const response = await post(emulator, path, body);
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toMatch(/^InvalidRequestException:/);
    expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
  });

  it('gets the RegisterClient errors of the model for bad metadata', async () => {
    const emulator = await emulatorFor();
    const cases: [object, string][] = [
      [{ clientName: 'x', clientType: 'confidential' }, 'InvalidClientMetadataException'],
      [{ clientName: 'x', clientType: 'public', grantTypes: ['password'] }, 'UnsupportedGrantTypeException'],
      [{ clientName: 'x', clientType: 'public', grantTypes: ['authorization_code'] }, 'InvalidRedirectUriException'],
      [{ clientName: 'x', clientType: 'public', redirectUris: ['not a uri'] }, 'InvalidRedirectUriException'],
    ];
    for (const [body, error] of cases) {
      const response = await post(emulator, '/client/register', JSON.stringify(body));
      expect(response.status).toBe(400);
      expect(response.headers.get('x-amzn-errortype')?.split(':')[0]).toBe(error);
    }
  });

  it('answers unknown paths with 404 and keeps serving', async () => {
    const emulator = await emulatorFor();
    expect((await fetch(`${emulator.url}/nope`)).status).toBe(404);
    expect((await post(emulator, '/', 'Action=%ZZ')).status).toBe(400);
    expect((await fetch(`${emulator.url}/`)).status).toBe(200);
  });

  it('refuses bodies over 1 MiB with 413', async () => {
    const emulator = await emulatorFor();
    const response = await post(emulator, '/token', 'x'.repeat(1024 * 1024 + 1));
    expect(response.status).toBe(413);
    expect((await fetch(`${emulator.url}/`)).status).toBe(200);
  });

  it('reads the x-amz-sso_bearer_token header although its name has underscores', async () => {
    const emulator = await emulatorFor({ autoApprove: true });
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(`${emulator.url}/assignment/accounts`, {
        headers: { 'x-amz-sso_bearer_token': 'aoa-unknown' },
      });
      req.on('response', (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(401);
  });
});
