import { allowsGrant, type Client, type ClientRegistry, DEVICE_CODE_GRANT } from './clients.js';
import { awsError } from './errors.js';
import { type EmuRequest, jsonReply, type Reply } from './http.js';
import { newUserCode, randomToken } from './ids.js';
import { parseJsonObject, requiredString } from './input.js';
import { SERVICE_LIMITS, type Settings } from './settings.js';

type DeviceState = 'pending' | 'approved' | 'denied' | 'redeemed';

interface DeviceAuthorization {
  clientId: string;
  userCode: string;
  expiresAt: number;
  intervalMs: number;
  lastPollAt: number | undefined;
  state: DeviceState;
}

/** What the verification page may show for a user code. */
export type DeviceStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'unknown';

export interface DeviceFlow {
  /** The StartDeviceAuthorization operation. */
  start(req: EmuRequest): Reply;
  /** The device-code grant of CreateToken: returns when approved, else throws the OIDC error the poll earns. */
  redeem(client: Client, deviceCode: string): void;
  status(userCode: string): DeviceStatus;
  /** Records the user's decision; false unless the code was pending. */
  decide(userCode: string, allow: boolean): boolean;
}

/** Accepts codes typed by hand: any case, with or without the dash. */
export const normalizeUserCode = (text: string): string => {
  const code = text.toUpperCase().replace(/[^A-Z0-9]/g, '');
  return code.length === 8 ? `${code.slice(0, 4)}-${code.slice(4)}` : code;
};

export const createDeviceFlow = ({ clock, autoApprove }: Settings, clients: ClientRegistry): DeviceFlow => {
  const byDeviceCode = new Map<string, DeviceAuthorization>();
  const byUserCode = new Map<string, DeviceAuthorization>();

  const find = (userCode: string): DeviceAuthorization | undefined => byUserCode.get(normalizeUserCode(userCode));

  const status = (device: DeviceAuthorization | undefined): DeviceStatus => {
    if (!device) return 'unknown';
    if (device.state === 'pending' && clock() >= device.expiresAt) return 'expired';
    return device.state === 'redeemed' ? 'approved' : device.state;
  };

  return {
    start: (req) => {
      const input = parseJsonObject(req.body);
      const clientId = requiredString(input, 'clientId');
      const clientSecret = requiredString(input, 'clientSecret');
      requiredString(input, 'startUrl');
      const client = clients.authenticate(clientId, clientSecret);
      if (!allowsGrant(client, DEVICE_CODE_GRANT)) throw awsError('UnauthorizedClientException');

      let userCode = newUserCode();
      while (byUserCode.has(userCode)) userCode = newUserCode();
      const deviceCode = randomToken(48);
      const device: DeviceAuthorization = {
        clientId,
        userCode,
        expiresAt: clock() + SERVICE_LIMITS.deviceCodeSeconds * 1000,
        intervalMs: SERVICE_LIMITS.deviceIntervalSeconds * 1000,
        lastPollAt: undefined,
        state: 'pending',
      };
      byDeviceCode.set(deviceCode, device);
      byUserCode.set(userCode, device);
      return jsonReply({
        deviceCode,
        userCode,
        verificationUri: `${req.origin}/device`,
        verificationUriComplete: `${req.origin}/device?user_code=${userCode}`,
        expiresIn: SERVICE_LIMITS.deviceCodeSeconds,
        interval: SERVICE_LIMITS.deviceIntervalSeconds,
      });
    },

    redeem: (client, deviceCode) => {
      const device = byDeviceCode.get(deviceCode);
      if (!device || device.clientId !== client.id || device.state === 'redeemed') {
        throw awsError('InvalidGrantException', 'Invalid device code provided');
      }
      const now = clock();
      if (now >= device.expiresAt) throw awsError('ExpiredTokenException', 'Device code has expired');
      if (device.state === 'denied') throw awsError('AccessDeniedException', 'The user denied the request');
      if (device.state === 'pending' && autoApprove) device.state = 'approved';
      if (device.state === 'pending') {
        const tooSoon = device.lastPollAt !== undefined && now - device.lastPollAt < device.intervalMs;
        device.lastPollAt = now;
        if (tooSoon) {
          // RFC 8628 §3.5: the client must now wait 5 s longer between polls, and so we hold it to that.
          device.intervalMs += SERVICE_LIMITS.slowDownStepSeconds * 1000;
          throw awsError('SlowDownException');
        }
        throw awsError('AuthorizationPendingException');
      }
      device.state = 'redeemed';
    },

    status: (userCode) => status(find(userCode)),

    decide: (userCode, allow) => {
      const device = find(userCode);
      if (!device || status(device) !== 'pending') return false;
      device.state = allow ? 'approved' : 'denied';
      return true;
    },
  };
};
