import { ExitCode, RolecallError } from '../../../core/errors.js';
import type { Clock, Interaction } from '../../interaction.js';
import { type OidcApi, PollAgain, type TokenGrant } from './oidc-api.js';
import type { Portal } from './portal.js';

/** AWS asks clients that poll too fast to wait 5 more seconds between polls (RFC 8628 §3.5). */
const SLOW_DOWN_SECONDS = 5;

export const cancelled = () =>
  new RolecallError('login.cancelled', 'login cancelled', {
    exitCode: ExitCode.auth,
    hint: 'run `rolecall login` again',
  });

/**
 * The device authorization flow (RFC 8628): show the verification URL and code, then poll CreateToken
 * at the interval AWS asks for until the person approves, denies, or the code expires.
 */
export async function deviceCodeLogin(input: {
  api: OidcApi;
  client: { clientId: string; clientSecret: string };
  portal: Portal;
  interaction: Interaction;
  clock: Clock;
  openBrowser: boolean;
}): Promise<TokenGrant> {
  const { api, client, interaction, clock } = input;
  const authorization = await api.startDeviceAuthorization({ ...client, startUrl: input.portal.startUrl });
  const url = authorization.verificationUriComplete ?? authorization.verificationUri;
  interaction.show(`To sign in, open ${url}`);
  interaction.show(`and check that it shows the code: ${authorization.userCode}`);
  if (input.openBrowser && interaction.canOpenBrowser && !(await interaction.openUrl(url))) {
    interaction.show('(no browser could be opened: open the link above yourself)');
  }

  let interrupted = false;
  void interaction.interrupted.then(() => {
    interrupted = true;
  });
  const deadline = clock.now() + authorization.expiresInSeconds * 1000;
  let intervalSeconds = Math.max(1, authorization.intervalSeconds);
  for (;;) {
    // Never past the code's expiry: a long interval must not keep the person waiting beyond it.
    await clock.sleep(Math.max(0, Math.min(intervalSeconds * 1000, deadline - clock.now())), interaction.interrupted);
    if (interrupted) throw cancelled();
    if (clock.now() >= deadline) {
      throw new RolecallError('login.expired', 'the sign-in code expired before it was approved', {
        exitCode: ExitCode.auth,
        hint: 'run `rolecall login` again and approve within the time shown',
      });
    }
    try {
      return await api.createToken({
        grantType: 'urn:ietf:params:oauth:grant-type:device_code',
        deviceCode: authorization.deviceCode,
        ...client,
      });
    } catch (error) {
      if (!(error instanceof PollAgain)) throw error;
      if (error.slowDown) intervalSeconds += SLOW_DOWN_SECONDS;
    }
  }
}
