import type { AuthorizationCodeFlow } from './authorization-code.js';
import { type DeviceFlow, normalizeUserCode } from './device-flow.js';
import { awsError } from './errors.js';
import { type EmuRequest, formParams, htmlReply, type Reply, redirectReply } from './http.js';
import { authorizeConsentPage, decisionPage, deviceCodeEntryPage, deviceConsentPage } from './pages.js';

/** The pages a person uses in a browser: `/authorize` (PKCE) and `/device` (device code verification). */
export interface BrowserPages {
  authorize(req: EmuRequest): Reply;
  device(req: EmuRequest): Reply;
}

const DEVICE_MESSAGES = {
  approved: 'This code was already approved.',
  denied: 'This code was denied.',
  expired: 'This code has expired. Start the sign-in again in your application.',
  unknown: 'This code is not valid. Check it and try again.',
} as const;

/** `allow` or `deny` from the button pressed; anything else is not an answer. */
const decisionOf = (params: URLSearchParams): boolean => {
  const decision = params.get('decision');
  if (decision !== 'allow' && decision !== 'deny') {
    throw awsError('InvalidRequestException', 'Choose Allow or Deny.');
  }
  return decision === 'allow';
};

export const createBrowserPages = (
  user: string,
  deviceFlow: DeviceFlow,
  codeFlow: AuthorizationCodeFlow,
): BrowserPages => ({
  authorize: (req) => {
    const params = formParams(req);
    if (req.method === 'POST') {
      return redirectReply(codeFlow.decide(params.get('consent') ?? '', decisionOf(params)));
    }
    const outcome = codeFlow.authorize(params);
    if ('redirect' in outcome) return redirectReply(outcome.redirect);
    return htmlReply(authorizeConsentPage(outcome.consent.clientName, outcome.consent.scopes, outcome.consent.id));
  },

  device: (req) => {
    const params = formParams(req);
    const userCode = params.get('user_code');
    if (!userCode) return htmlReply(deviceCodeEntryPage());
    const status = deviceFlow.status(userCode);
    if (status !== 'pending') throw awsError('InvalidRequestException', DEVICE_MESSAGES[status]);
    if (req.method === 'GET') return htmlReply(deviceConsentPage(normalizeUserCode(userCode), user));
    const allow = decisionOf(params);
    deviceFlow.decide(userCode, allow);
    return htmlReply(decisionPage(allow));
  },
});
