/** AWS operation names: the keys of stats and faults. The last three are the browser and console legs. */
export const OPERATIONS = [
  'RegisterClient',
  'StartDeviceAuthorization',
  'CreateToken',
  'ListAccounts',
  'ListAccountRoles',
  'GetRoleCredentials',
  'Logout',
  'GetCallerIdentity',
  'AssumeRole',
  'GetSigninToken',
  'Authorize',
  'DeviceVerification',
  'ConsoleLogin',
] as const;

export type OperationName = (typeof OPERATIONS)[number];

export const isOperationName = (name: string): name is OperationName =>
  (OPERATIONS as readonly string[]).includes(name);

/** The operations that share the portal's rate limit, as Identity Center's ~20 requests/s do. */
export const PORTAL_OPERATIONS: ReadonlySet<OperationName> = new Set([
  'ListAccounts',
  'ListAccountRoles',
  'GetRoleCredentials',
  'Logout',
]);
