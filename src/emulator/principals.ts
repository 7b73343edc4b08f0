import { stableHex, stableRoleId } from './ids.js';

/** Who a set of credentials is, as STS GetCallerIdentity tells it. */
export interface Principal {
  accountId: string;
  arn: string;
  /** `AROA…:<session name>` */
  userId: string;
}

export const assumedRolePrincipal = (accountId: string, roleName: string, sessionName: string): Principal => ({
  accountId,
  arn: `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
  userId: `${stableRoleId(`${accountId}/${roleName}`)}:${sessionName}`,
});

/**
 * Identity Center creates one IAM role per permission set in each account, named
 * `AWSReservedSSO_<PermissionSet>_<16 hex>`; the session is named after the user.
 */
export const permissionSetPrincipal = (accountId: string, permissionSet: string, user: string): Principal =>
  assumedRolePrincipal(
    accountId,
    `AWSReservedSSO_${permissionSet}_${stableHex(`${accountId}/${permissionSet}`, 16)}`,
    user,
  );
