import { commands } from '../registry.js';

/** What a shell needs to know to complete one flag. */
export interface FlagSpec {
  flag: string;
  description: string;
  /** The flag takes a value (`--format json`). */
  takesValue: boolean;
  /** Fixed values, or names rolecall lists at completion time, or files. */
  values: { choices: readonly string[] } | { names: 'providers' | 'identities' } | { files: true } | undefined;
}

export interface CommandCompletion {
  /** `login`, or `config show`. */
  name: string;
  summary: string;
  flags: FlagSpec[];
}

const GLOBAL_FLAGS: FlagSpec[] = [
  { flag: '--config', description: 'config file', takesValue: true, values: { files: true } },
  {
    flag: '--log-level',
    description: 'log detail on stderr',
    takesValue: true,
    values: { choices: ['debug', 'info', 'warn', 'error'] },
  },
  { flag: '--no-color', description: 'no colour in output', takesValue: false, values: undefined },
  { flag: '--help', description: 'help for rolecall or a command', takesValue: false, values: undefined },
  { flag: '--version', description: 'the version', takesValue: false, values: undefined },
];

/** Flags whose values are names from the configuration, or files. */
const NAMED_VALUES: Record<string, FlagSpec['values']> = {
  '--provider': { names: 'providers' },
  '--identity': { names: 'identities' },
  '--org': { files: true },
  '--write': { files: true },
};

/** Every command and flag, from the same registry `--help` is built from, so completion never drifts. */
export function completionSpec(): { global: FlagSpec[]; commands: CommandCompletion[] } {
  return {
    global: GLOBAL_FLAGS,
    commands: [
      ...commands.map((command) => ({
        name: command.name,
        summary: command.summary,
        flags: command.options.map((option): FlagSpec => {
          const [flag = '', value] = option.flags.split(' ');
          return {
            flag,
            description: option.description,
            takesValue: value !== undefined,
            values: option.choices ? { choices: option.choices } : NAMED_VALUES[flag],
          };
        }),
      })),
    ],
  };
}
