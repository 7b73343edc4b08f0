import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument, type YAMLMap } from 'yaml';

/** Who is signed in and what they were given: the accounts and permission sets of one Identity Center user. */
export interface Org {
  user: string;
  accounts: OrgAccount[];
}

export interface OrgAccount {
  id: string;
  name: string;
  email: string;
  roles: OrgRole[];
}

export interface OrgRole {
  /** The permission set name. */
  name: string;
  /** The permission set's session duration in seconds, when it sets one. */
  durationSeconds?: number;
}

const DEFAULT_USER = 'alice@example.com';

/** Names that real permission sets commonly have; generated organisations cycle through them. */
export const PERMISSION_SET_NAMES = [
  'AdministratorAccess',
  'PowerUserAccess',
  'ReadOnlyAccess',
  'ViewOnlyAccess',
  'Billing',
  'SecurityAudit',
  'DatabaseAdministrator',
  'NetworkAdministrator',
  'SystemAdministrator',
  'DataScientist',
  'SupportUser',
  'DeveloperAccess',
] as const;

/**
 * `accountCount` accounts with `rolesPerAccount` permission sets each, the same on every run:
 * account `i` (from 1) has id `100000000000 + i` and name `account-0001`; past the list of names,
 * permission sets get a cycle number (`AdministratorAccess2`).
 */
export const generateOrg = (accountCount: number, rolesPerAccount: number): Org => {
  const width = Math.max(4, String(accountCount).length);
  const roles = Array.from({ length: rolesPerAccount }, (_, index) => {
    const base = PERMISSION_SET_NAMES[index % PERMISSION_SET_NAMES.length];
    const cycle = Math.floor(index / PERMISSION_SET_NAMES.length);
    return { name: cycle === 0 ? `${base}` : `${base}${cycle + 1}` };
  });
  const accounts = Array.from({ length: accountCount }, (_, index) => {
    const name = `account-${String(index + 1).padStart(width, '0')}`;
    return { id: String(100_000_000_000 + index + 1), name, email: `${name}@example.com`, roles };
  });
  return { user: DEFAULT_USER, accounts };
};

/** A problem in an org file, with where it is: `file:line:column: field: problem`. */
export class OrgError extends Error {
  override readonly name = 'OrgError';

  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}: ${field}: ${problem}`);
  }
}

// The session name AWS builds from the user (`[\w+=,.@-]`, 2-64), and permission set names (1-32).
const USER_PATTERN = /^[\w+=,.@-]{2,64}$/;
const PERMISSION_SET_PATTERN = /^[\w+=,.@-]{1,32}$/;
const ACCOUNT_ID_PATTERN = /^\d{12}$/;
const MAX_SESSION_SECONDS = 43_200;

/**
 * Reads an org file. Every scalar is read as a string (YAML's failsafe schema), so account ids keep
 * their leading zeros and names such as `yes`, `null` or `1.0` stay names.
 */
export const parseOrg = (text: string, file: string): Org => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { schema: 'failsafe', lineCounter, prettyErrors: false });

  const fail = (node: Node | null | undefined, field: string, problem: string): never => {
    const position = node?.range ? lineCounter.linePos(node.range[0]) : { line: 1, col: 1 };
    throw new OrgError(file, position.line, position.col, field, problem);
  };

  const syntaxError = doc.errors[0];
  if (syntaxError) {
    const start = syntaxError.linePos?.[0] ?? { line: 1, col: 1 };
    throw new OrgError(file, start.line, start.col, '(yaml)', syntaxError.message.split('\n')[0] ?? 'invalid YAML');
  }

  /** The map's members by key, after checking that every key is one we know. */
  const members = (node: unknown, field: string, allowed: readonly string[]): Map<string, Pair<Node, Node>> => {
    if (!isMap(node)) return fail(node as Node, field || '(top level)', `must be a map with ${allowed.join(', ')}`);
    const found = new Map<string, Pair<Node, Node>>();
    for (const pair of (node as YAMLMap<Node, Node>).items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      if (!allowed.includes(key)) {
        fail(pair.key, field ? `${field}.${key}` : key, `unknown field (expected ${allowed.join(', ')})`);
      }
      found.set(key, pair);
    }
    return found;
  };

  const optionalScalar = (pair: Pair<Node, Node> | undefined, field: string): string | undefined => {
    if (pair === undefined || (isScalar(pair.value) && pair.value.value === '')) return undefined;
    if (!isScalar(pair.value)) return fail(pair.value, field, 'must be a string');
    return String(pair.value.value);
  };

  const requiredScalar = (pair: Pair<Node, Node> | undefined, field: string, parent: Node): string =>
    optionalScalar(pair, field) ?? fail(pair?.value ?? pair?.key ?? parent, field, 'is required');

  const permissionSetName = (node: Node, field: string): string => {
    const name = isScalar(node) ? String(node.value) : '';
    if (!PERMISSION_SET_PATTERN.test(name)) {
      fail(node, field, 'must be a permission set name: 1-32 of letters, digits and +=,.@_-');
    }
    return name;
  };

  const readRole = (node: Node, field: string): OrgRole => {
    if (isScalar(node)) return { name: permissionSetName(node, field) };
    const fields = members(node, field, ['name', 'duration']);
    const namePair = fields.get('name');
    if (namePair === undefined) return fail(node, `${field}.name`, 'is required');
    const name = permissionSetName(namePair.value as Node, `${field}.name`);
    const duration = optionalScalar(fields.get('duration'), `${field}.duration`);
    if (duration === undefined) return { name };
    const seconds = Number(duration);
    if (!/^\d+$/.test(duration) || seconds < 1 || seconds > MAX_SESSION_SECONDS) {
      fail(
        fields.get('duration')?.value,
        `${field}.duration`,
        `must be whole seconds from 1 to ${MAX_SESSION_SECONDS}`,
      );
    }
    return { name, durationSeconds: seconds };
  };

  const readAccount = (node: Node, field: string, seenIds: Map<string, number>): OrgAccount => {
    const fields = members(node, field, ['id', 'name', 'email', 'roles']);
    const idPair = fields.get('id');
    const id = requiredScalar(idPair, `${field}.id`, node);
    if (!ACCOUNT_ID_PATTERN.test(id)) fail(idPair?.value, `${field}.id`, 'must be 12 digits (quote it to be safe)');
    const firstLine = seenIds.get(id);
    if (firstLine !== undefined)
      fail(idPair?.value, `${field}.id`, `duplicate account id (first at line ${firstLine})`);
    seenIds.set(id, idPair?.value?.range ? lineCounter.linePos(idPair.value.range[0]).line : 0);

    const name = requiredScalar(fields.get('name'), `${field}.name`, node);
    const email = optionalScalar(fields.get('email'), `${field}.email`) ?? `aws+${id}@example.com`;

    const rolesNode = fields.get('roles')?.value;
    const roles: OrgRole[] = [];
    if (rolesNode !== undefined && rolesNode !== null && !(isScalar(rolesNode) && rolesNode.value === '')) {
      if (!isSeq(rolesNode)) return fail(rolesNode, `${field}.roles`, 'must be a list');
      rolesNode.items.forEach((item, index) => {
        const role = readRole(item as Node, `${field}.roles[${index}]`);
        if (roles.some((known) => known.name === role.name)) {
          fail(item as Node, `${field}.roles[${index}]`, `duplicate permission set ${role.name}`);
        }
        roles.push(role);
      });
    }
    return { id, name, email, roles };
  };

  const root = members(doc.contents, '', ['user', 'accounts']);
  const userPair = root.get('user');
  const user = optionalScalar(userPair, 'user') ?? DEFAULT_USER;
  if (!USER_PATTERN.test(user)) fail(userPair?.value, 'user', 'must be 2-64 of letters, digits and +=,.@_-');

  const accountsNode = root.get('accounts')?.value;
  if (!isSeq(accountsNode)) return fail(accountsNode ?? doc.contents, 'accounts', 'must be a list of accounts');
  const seenIds = new Map<string, number>();
  const accounts = accountsNode.items.map((item, index) => readAccount(item as Node, `accounts[${index}]`, seenIds));
  return { user, accounts };
};

/** `12 accounts, 31 roles, user alice@example.com` */
export const describeOrg = (org: Org): string => {
  const roles = org.accounts.reduce((sum, account) => sum + account.roles.length, 0);
  return `${org.accounts.length} accounts, ${roles} roles, user ${org.user}`;
};
