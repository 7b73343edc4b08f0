import type { BrowserPages } from './browser.js';
import type { ClientRegistry } from './clients.js';
import type { DeviceFlow } from './device-flow.js';
import { AwsError, awsError, encodeError, type Protocol } from './errors.js';
import type { Federation } from './federation.js';
import { type EmuRequest, formParams, htmlReply, type Reply } from './http.js';
import type { OperationName } from './operations.js';
import { indexPage } from './pages.js';
import type { Portal } from './portal.js';
import { STS_OPERATIONS, type Sts, type StsOperation } from './sts.js';

/** A request recognised as one AWS operation, ready to run once faults and rate limits let it. */
export interface Operation {
  name: OperationName;
  protocol: Protocol;
  run(): Reply;
}

export interface Services {
  clients: ClientRegistry;
  deviceFlow: DeviceFlow;
  createToken(body: Buffer): Reply;
  portal: Portal;
  sts: Sts;
  federation: Federation;
  browser: BrowserPages;
  /** One line about the organisation, for the index page. */
  summary: string;
}

type Handler = (req: EmuRequest) => Reply;

interface Endpoint {
  protocol: Protocol;
  methods: Record<string, [OperationName, Handler]>;
}

const isStsOperation = (action: string | null): action is StsOperation =>
  (STS_OPERATIONS as readonly (string | null)[]).includes(action);

/** Finds the operation a request asks for; requests that name none get their answer (index page, 404, 405) directly. */
export const createRouter = (services: Services): ((req: EmuRequest) => Operation | Reply) => {
  const { portal, browser } = services;
  const endpoints: Record<string, Endpoint> = {
    '/assignment/accounts': { protocol: 'portal', methods: { GET: ['ListAccounts', portal.listAccounts] } },
    '/assignment/roles': { protocol: 'portal', methods: { GET: ['ListAccountRoles', portal.listAccountRoles] } },
    '/federation/credentials': {
      protocol: 'portal',
      methods: { GET: ['GetRoleCredentials', portal.getRoleCredentials] },
    },
    '/logout': { protocol: 'portal', methods: { POST: ['Logout', portal.logout] } },
    '/client/register': {
      protocol: 'oidc',
      methods: { POST: ['RegisterClient', (req) => services.clients.register(req.body)] },
    },
    '/device_authorization': {
      protocol: 'oidc',
      methods: { POST: ['StartDeviceAuthorization', services.deviceFlow.start] },
    },
    '/token': { protocol: 'oidc', methods: { POST: ['CreateToken', (req) => services.createToken(req.body)] } },
    '/authorize': {
      protocol: 'browser',
      methods: { GET: ['Authorize', browser.authorize], POST: ['Authorize', browser.authorize] },
    },
    '/device': {
      protocol: 'browser',
      methods: { GET: ['DeviceVerification', browser.device], POST: ['DeviceVerification', browser.device] },
    },
  };

  const routeSts = (req: EmuRequest): Operation | Reply => {
    const params = formParams(req);
    const action = params.get('Action');
    if (action === null && req.method === 'GET') return htmlReply(indexPage(req.origin, services.summary));
    if (!isStsOperation(action)) {
      return encodeError(
        'query',
        awsError('InvalidAction', `Could not find operation ${action ?? ''} for version 2011-06-15`),
        req.requestId,
      );
    }
    return { name: action, protocol: 'query', run: () => services.sts.run(action, req, params) };
  };

  const routeFederation = (req: EmuRequest): Operation | Reply => {
    const params = formParams(req);
    const action = params.get('Action');
    if (action === 'getSigninToken') {
      return { name: 'GetSigninToken', protocol: 'federation', run: () => services.federation.getSigninToken(params) };
    }
    if (action === 'login') {
      return { name: 'ConsoleLogin', protocol: 'federation', run: () => services.federation.login(params) };
    }
    return encodeError(
      'federation',
      new AwsError('BadRequest', 400, 'Action must be getSigninToken or login'),
      req.requestId,
    );
  };

  return (req) => {
    if (req.path === '/') return routeSts(req);
    if (req.path === '/federation') return routeFederation(req);
    const endpoint = endpoints[req.path];
    if (!endpoint) {
      return encodeError(
        'portal',
        new AwsError('UnknownOperationException', 404, `No route for ${req.path}`),
        req.requestId,
      );
    }
    const match = endpoint.methods[req.method];
    if (!match) return encodeError(endpoint.protocol, awsError('MethodNotAllowedException'), req.requestId);
    const [name, handler] = match;
    return { name, protocol: endpoint.protocol, run: () => handler(req) };
  };
};
