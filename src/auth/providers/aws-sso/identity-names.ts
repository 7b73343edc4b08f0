/** One permission set assigned to the user in one account: what becomes one identity. */
export interface Assignment {
  accountId: string;
  accountName: string;
  role: string;
}

export const DEFAULT_NAME_TEMPLATE = '{account}/{role}';

/**
 * A name part as it may appear in an identity name: control characters and path separators
 * replaced, so a name is one readable line and `{account}/{role}` splits where the template says.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing control characters is the point
export const cleanNamePart = (text: string): string => text.replace(/[\u0000-\u001f\u007f/\\]/g, '-');

export interface NamedAssignments {
  /** Identity name → assignment, unique by construction (also ignoring case). */
  identities: Map<string, Assignment>;
  /** Account names shared by several accounts (ignoring case): those accounts were told apart by id. */
  collisions: { name: string; accountIds: string[] }[];
}

/**
 * Names every assignment with the template (`{account}`, `{account_id}`, `{account_lower}`, `{role}`,
 * `{role_lower}`). Accounts whose names collide, also only by case, are told apart as
 * `prod (111111111111)`; and should a template still give two assignments one name (say `{role}`
 * alone), each gets its account id appended. No identity silently replaces another.
 */
export function nameAssignments(
  assignments: readonly Assignment[],
  template = DEFAULT_NAME_TEMPLATE,
): NamedAssignments {
  const accountsByName = new Map<string, Set<string>>();
  for (const { accountId, accountName } of assignments) {
    const key = cleanNamePart(accountName || accountId).toLowerCase();
    const ids = accountsByName.get(key) ?? new Set<string>();
    ids.add(accountId);
    accountsByName.set(key, ids);
  }
  const collisions = [...accountsByName.entries()]
    .filter(([, ids]) => ids.size > 1)
    .map(([, ids]) => {
      const accountIds = [...ids].sort();
      const name = assignments.find((assignment) => assignment.accountId === accountIds[0])!.accountName;
      return { name, accountIds };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));

  const render = (assignment: Assignment): string => {
    const base = cleanNamePart(assignment.accountName || assignment.accountId);
    const account = accountsByName.get(base.toLowerCase())!.size > 1 ? `${base} (${assignment.accountId})` : base;
    const role = cleanNamePart(assignment.role);
    const values: Record<string, string> = {
      account,
      account_id: assignment.accountId,
      account_lower: account.toLowerCase(),
      role,
      role_lower: role.toLowerCase(),
    };
    return template.replace(
      /\{(account|account_id|account_lower|role|role_lower)\}/g,
      (_, key: string) => values[key]!,
    );
  };

  const rendered = assignments.map((assignment) => ({ assignment, name: render(assignment) }));
  const counts = new Map<string, number>();
  for (const { name } of rendered) counts.set(name.toLowerCase(), (counts.get(name.toLowerCase()) ?? 0) + 1);
  const identities = new Map<string, Assignment>();
  for (const { assignment, name } of rendered) {
    const unique = counts.get(name.toLowerCase())! > 1 ? `${name} (${assignment.accountId})` : name;
    identities.set(unique, assignment);
  }
  return { identities, collisions };
}
