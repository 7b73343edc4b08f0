import { type Org, parseOrg } from './org.js';

/**
 * The organisation the emulator serves when given none: a dozen accounts, several permission
 * sets, two accounts both named `sandbox` (AWS does not keep account names unique), and names
 * with dots, spaces and accents. Also a template for `--org` files (docs/emulator.md).
 */
export const SAMPLE_ORG_YAML = `# rolecall emulator organisation: one user and the accounts assigned to them.
user: alice@example.com
accounts:
  - id: "111111111111"
    name: management
    email: aws-management@example.com
    roles: [AdministratorAccess, Billing, ReadOnlyAccess]
  - id: "222222222222"
    name: production
    email: aws-production@example.com
    roles:
      - ReadOnlyAccess
      - DeployerAccess
      - name: AdministratorAccess
        duration: 3600
      - name: PowerUserAccess
        duration: 14400
  - id: "333333333333"
    name: staging
    email: aws-staging@example.com
    roles: [AdministratorAccess, DeployerAccess, ReadOnlyAccess]
  - id: "444444444444"
    name: development
    email: aws-development@example.com
    roles: [AdministratorAccess, PowerUserAccess, ReadOnlyAccess]
  - id: "555555555555"
    name: sandbox
    email: aws-sandbox-alice@example.com
    roles: [AdministratorAccess, PowerUserAccess]
  - id: "555555555556"
    name: sandbox
    email: aws-sandbox-bob@example.com
    roles: [PowerUserAccess, ReadOnlyAccess]
  - id: "666666666666"
    name: security-audit
    email: aws-security@example.com
    roles: [SecurityAudit, ReadOnlyAccess]
  - id: "777777777777"
    name: log-archive
    email: aws-logs@example.com
    roles: [ReadOnlyAccess, ViewOnlyAccess]
  - id: "888888888888"
    name: shared-services
    email: aws-shared@example.com
    roles: [NetworkAdministrator, ReadOnlyAccess]
  - id: "999999999999"
    name: data.platform
    email: aws-data@example.com
    roles: [DataScientist, DatabaseAdministrator, ReadOnlyAccess]
  - id: "123456789012"
    name: Marketing Analytics
    email: aws-marketing@example.com
    roles: [ViewOnlyAccess]
  - id: "210987654321"
    name: Équipe Données
    email: aws-equipe@example.com
    roles: [ReadOnlyAccess, DataScientist]
`;

export const sampleOrg = (): Org => parseOrg(SAMPLE_ORG_YAML, 'sample-org.yaml');
