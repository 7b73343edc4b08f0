import type { Logger } from '../../../core/log.js';
import type { SecureStore } from '../../../store/secure-store.js';
import { readStoredRecord } from '../../../store/stored-record.js';
import type { Clock } from '../../interaction.js';
import type { OidcApi } from './oidc-api.js';
import { type Portal, portalKey } from './portal.js';
import { type ClientRegistration, parseRegistration, remainingMs } from './records.js';

/** A registration this close to expiry is replaced, as the AWS CLI does, so a flow never outlives it. */
const RENEW_BEFORE_MS = 15 * 60 * 1000;

export const registrationKey = (portal: Portal, flow: ClientRegistration['flow']) =>
  `sso-registration:${portalKey(portal)}:${flow}`;

/** The OIDC client for a flow: the stored registration while it lasts, else a new one (stored). */
export async function clientRegistration(input: {
  api: OidcApi;
  store: SecureStore;
  log: Logger;
  clock: Clock;
  portal: Portal;
  flow: ClientRegistration['flow'];
}): Promise<ClientRegistration> {
  const key = registrationKey(input.portal, input.flow);
  const stored = await readStoredRecord(input.store, key, parseRegistration, {
    log: input.log,
    what: `OIDC client registration for ${input.portal.startUrl}`,
    instead: 'registering the client again',
  });
  if (stored && remainingMs(stored.expiresAt, input.clock.now()) > RENEW_BEFORE_MS) return stored;
  const created: ClientRegistration = {
    ...(await input.api.registerClient({ flow: input.flow, startUrl: input.portal.startUrl })),
    flow: input.flow,
  };
  await input.store.set(key, JSON.stringify(created));
  return created;
}
