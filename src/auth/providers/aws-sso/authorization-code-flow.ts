import { createHash, randomBytes } from 'node:crypto';
import { ExitCode, RolecallError } from '../../../core/errors.js';
import { registerSecret } from '../../../core/log.js';
import type { Clock, Interaction } from '../../interaction.js';
import { cancelled } from './device-flow.js';
import { startLoopbackCallback } from './loopback-callback.js';
import type { OidcApi, TokenGrant } from './oidc-api.js';

/** How long a person has to finish signing in the browser, as long as a device code lives. */
const BROWSER_TIMEOUT_MS = 10 * 60 * 1000;

const base64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * The authorization-code flow with PKCE (RFC 7636, S256) and a loopback redirect: the browser signs
 * in at the OIDC `/authorize` endpoint and comes back to 127.0.0.1 with a code, which only this
 * process (holding the verifier) can exchange for a token.
 */
export async function authorizationCodeLogin(input: {
  api: OidcApi;
  client: { clientId: string; clientSecret: string };
  interaction: Interaction;
  clock: Clock;
  openBrowser: boolean;
}): Promise<TokenGrant> {
  const { api, client, interaction } = input;
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(16));
  registerSecret(verifier);
  const challenge = base64url(createHash('sha256').update(verifier).digest());
  const callback = await startLoopbackCallback(state);
  let finished!: () => void;
  const done = new Promise<void>((resolve) => {
    finished = resolve;
  });
  try {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: callback.redirectUri,
      state,
      code_challenge: challenge,
      code_challenge_method: 'S256',
      scopes: 'sso:account:access',
    });
    const url = `${api.endpoint}/authorize?${query}`;
    const opened = input.openBrowser && (await interaction.openUrl(url));
    interaction.show(
      opened
        ? 'Sign in in the browser window that opened. If none did, open:'
        : 'To sign in, open this URL in a browser on this machine:',
    );
    interaction.show(url);

    const timeout = input.clock.sleep(BROWSER_TIMEOUT_MS, done).then(() => 'timeout' as const);
    const outcome = await Promise.race([
      callback.result,
      interaction.interrupted.then(() => 'interrupted' as const),
      timeout,
    ]);
    if (outcome === 'interrupted') throw cancelled();
    if (outcome === 'timeout') {
      throw new RolecallError('login.expired', 'the browser sign-in was not completed within 10 minutes', {
        exitCode: ExitCode.auth,
        hint: 'run `rolecall login` again, or `rolecall login --use-device-code`',
      });
    }
    if (outcome.error || !outcome.code) {
      const detail = outcome.description ? ` (${outcome.description})` : '';
      const message =
        outcome.error === 'access_denied'
          ? 'the sign-in request was denied'
          : `the browser sign-in ended with ${outcome.error ?? 'no code'}${detail}`;
      throw new RolecallError('login.denied', message, {
        exitCode: ExitCode.auth,
        hint: 'run `rolecall login` again and choose Allow',
      });
    }
    return await api.createToken({
      grantType: 'authorization_code',
      code: outcome.code,
      redirectUri: callback.redirectUri,
      codeVerifier: verifier,
      ...client,
    });
  } finally {
    finished();
    await callback.close();
  }
}
