import { ENV_FORMATS } from '../run/env-format.js';
import type { CommandRun } from './context.js';

export interface OptionSpec {
  flags: string;
  description: string;
  choices?: readonly string[];
  defaultValue?: string;
}

/**
 * A command as `--help` shows it. The module that runs it is loaded only when the command is chosen,
 * so each command pays only for the code it uses.
 */
export interface CommandSpec {
  /** `list`, or `config show` for a subcommand of `config`. */
  name: string;
  summary: string;
  operands?: string;
  options: OptionSpec[];
  /** Shown after an argument error of this command, in place of the pointer to `--help`. */
  usageHint?: string;
  load: () => Promise<{ run: CommandRun<never> }>;
}

export const FORMATS_STRUCTURED = ['yaml', 'json'] as const;

export const commands: CommandSpec[] = [
  {
    name: 'login',
    summary: 'sign in to an IAM Identity Center portal (browser with PKCE, or a device code) and keep the session',
    options: [
      {
        flags: '--provider <name>',
        description: "the provider to sign in to (default: the only one, or the default identity's)",
      },
      {
        flags: '--use-device-code',
        description: 'sign in with a device code (automatic without a display or over SSH)',
      },
      { flags: '--no-browser', description: 'print the sign-in URL instead of opening a browser' },
      { flags: '--force', description: 'sign in again even when the session is still valid' },
      {
        flags: '--export-aws-cli-cache',
        description: 'also write the session to ~/.aws/sso/cache as sso-session <provider>',
      },
      { flags: '--no-provision', description: 'skip discovering accounts and permission sets after signing in' },
      { flags: '--format <format>', description: 'output format', choices: ['text', 'json'], defaultValue: 'text' },
    ],
    load: () => import('./commands/login.js'),
  },
  {
    name: 'provision',
    summary: 'discover every account and permission set again with the current session (no sign-in)',
    options: [
      { flags: '--provider <name>', description: 'the provider to discover' },
      { flags: '--format <format>', description: 'output format', choices: ['text', 'json'], defaultValue: 'text' },
    ],
    load: () => import('./commands/provision.js'),
  },
  {
    name: 'logout',
    summary: 'end the session at AWS and delete its token and provisioned identities',
    options: [
      { flags: '--provider <name>', description: 'the provider to log out of' },
      { flags: '--all', description: 'every provider' },
    ],
    load: () => import('./commands/logout.js'),
  },
  {
    name: 'list',
    summary: 'list providers and their identities (identities chained through another nested under it)',
    options: [
      { flags: '--provider <name>', description: 'only this provider and its identities' },
      {
        flags: '--format <format>',
        description: 'output format',
        choices: ['tree', 'table', 'json', 'yaml'],
        defaultValue: 'tree',
      },
    ],
    load: () => import('./commands/list.js'),
  },
  {
    name: 'exec',
    summary: 'run a command as an identity (credentials refresh for as long as it runs); exits with its code',
    operands: '[command...]',
    options: [
      {
        flags: '--identity <name>',
        description: 'the identity (default: ROLECALL_IDENTITY, the default identity, or a picker)',
      },
      { flags: '--export-keys', description: 'put static keys in the environment instead of a refreshing profile' },
    ],
    // `rolecall exec --identity I ls -la` reads `-la` as rolecall's own option.
    usageHint: 'hint: the command and its own options go after `--`: rolecall exec --identity NAME -- CMD ARGS...',
    load: () => import('./commands/exec.js'),
  },
  ...(['terraform', 'tofu'] as const).map((tool) => ({
    name: tool,
    summary: `shorthand for \`exec --identity NAME -- ${tool} ARGS...\` (rolecall's flags may go anywhere among the ARGS)`,
    operands: '[args...]',
    options: [
      {
        flags: '--identity <name>',
        description: 'the identity (default: ROLECALL_IDENTITY, the default identity, or a picker)',
      },
      { flags: '--export-keys', description: 'put static keys in the environment instead of a refreshing profile' },
    ],
    load: () => import('./commands/exec.js'),
  })),
  {
    name: 'env',
    summary: "print the identity's credentials as variables to eval in a shell",
    options: [
      {
        flags: '--identity <name>',
        description: 'the identity (default: ROLECALL_IDENTITY, the default identity, or a picker)',
      },
      { flags: '--format <format>', description: 'syntax', choices: ENV_FORMATS, defaultValue: 'bash' },
    ],
    load: () => import('./commands/env.js'),
  },
  {
    name: 'shell',
    summary: 'start $SHELL as an identity (credentials refresh for as long as it runs)',
    options: [
      {
        flags: '--identity <name>',
        description: 'the identity (default: ROLECALL_IDENTITY, the default identity, or a picker)',
      },
    ],
    load: () => import('./commands/shell.js'),
  },
  {
    name: 'whoami',
    summary: 'who the identity is at AWS (STS GetCallerIdentity) and when its credentials expire',
    options: [
      {
        flags: '--identity <name>',
        description: 'the identity (default: ROLECALL_IDENTITY, the default identity, or a picker)',
      },
      { flags: '--format <format>', description: 'output format', choices: ['text', 'json'], defaultValue: 'text' },
    ],
    load: () => import('./commands/whoami.js'),
  },
  {
    name: 'credential-process',
    summary:
      "print the identity's credentials as AWS credential_process JSON (for credential_process = in an AWS config)",
    options: [
      {
        flags: '--identity <name>',
        description: 'the identity (default: ROLECALL_IDENTITY, then the default identity)',
      },
    ],
    load: () => import('./commands/credential-process.js'),
  },
  {
    name: 'console',
    summary: 'open the AWS console signed in as an identity (federation sign-in URL)',
    options: [
      {
        flags: '--identity <name>',
        description: 'the identity (default: ROLECALL_IDENTITY, the default identity, or a picker)',
      },
      {
        flags: '--print',
        description: 'print the sign-in URL (a secret, valid once for 15 minutes) instead of opening it',
      },
      { flags: '--destination <url>', description: "the console page to land on (default: the region's console home)" },
    ],
    load: () => import('./commands/console.js'),
  },
  {
    name: 'aws-config',
    summary: 'AWS CLI/SDK profiles (credential_process) for every identity, printed or written between markers',
    options: [
      { flags: '--provider <name>', description: "only this provider's identities" },
      {
        flags: '--write <file>',
        description: "write into this file (such as ~/.aws/config), replacing only rolecall's block",
      },
    ],
    load: () => import('./commands/aws-config.js'),
  },
  {
    name: 'user-keys',
    summary: "keep an aws/user identity's access keys in the secure store (asked for, or two lines on stdin)",
    options: [
      { flags: '--identity <name>', description: 'the aws/user identity' },
      { flags: '--from-env', description: 'take them from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY' },
      { flags: '--delete', description: 'delete the stored keys instead' },
    ],
    load: () => import('./commands/user-keys.js'),
  },
  {
    name: 'validate',
    summary: 'check the configuration and report every problem with its file, line and key',
    options: [
      { flags: '--format <format>', description: 'output format', choices: ['text', 'json'], defaultValue: 'text' },
    ],
    load: () => import('./commands/validate.js'),
  },
  {
    name: 'config show',
    summary: 'print the merged configuration that commands use',
    options: [
      { flags: '--format <format>', description: 'output format', choices: FORMATS_STRUCTURED, defaultValue: 'yaml' },
      { flags: '--origins', description: 'show the file, line and column each value comes from' },
    ],
    load: () => import('./commands/config-show.js'),
  },
  {
    name: 'config schema',
    summary: 'print the JSON Schema of the config file (for editors, through yaml-language-server)',
    options: [],
    load: () => import('./commands/config-schema.js'),
  },
  {
    name: 'emulator',
    summary: 'run a local IAM Identity Center (SSO OIDC, portal, STS, console federation) for tests and demos',
    options: [
      { flags: '--port <port>', description: 'port to listen on (0 picks a free one)', defaultValue: '0' },
      { flags: '--host <host>', description: 'address to listen on', defaultValue: '127.0.0.1' },
      { flags: '--org <file>', description: 'organisation YAML file (user, accounts with roles)' },
      { flags: '--accounts <n>', description: 'generate an organisation with this many accounts' },
      { flags: '--roles <m>', description: 'permission sets per generated account' },
      { flags: '--auto-approve', description: 'approve device codes and authorization requests at once' },
      { flags: '--latency <ms>', description: 'delay added to every request' },
      { flags: '--rate-limit <rps>', description: 'portal requests per second before 429 TooManyRequestsException' },
      { flags: '--page-size <n>', description: 'default page size of ListAccounts and ListAccountRoles' },
      { flags: '--token-ttl <seconds>', description: 'lifetime of access tokens' },
      { flags: '--credential-ttl <seconds>', description: 'lifetime of role credentials' },
    ],
    load: () => import('./commands/emulator.js'),
  },
  {
    name: 'completion',
    summary: 'print the shell completion script: bash, zsh or fish',
    operands: '<shell>',
    options: [],
    load: () => import('./commands/completion.js'),
  },
];
