import type { completionSpec, FlagSpec } from './spec.js';

type Spec = ReturnType<typeof completionSpec>;

const quote = (word: string) => `'${word.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

function flagLine(condition: string | undefined, flag: FlagSpec): string {
  const parts = ['complete -c rolecall'];
  if (condition) parts.push(`-n ${quote(condition)}`);
  parts.push(`-l ${flag.flag.slice(2)}`);
  const values = flag.values;
  if (values && 'choices' in values) parts.push(`-x -a ${quote(values.choices.join(' '))}`);
  else if (values && 'names' in values)
    parts.push(`-x -a ${quote(`(rolecall __complete ${values.names} 2>/dev/null)`)}`);
  else if (values && 'files' in values) parts.push('-r -F');
  else if (flag.takesValue) parts.push('-x');
  parts.push(`-d ${quote(flag.description)}`);
  return parts.join(' ');
}

/** fish completions: commands with their summaries, flags per command, names asked of rolecall. */
export function fishCompletion(spec: Spec): string {
  const lines = [
    '# rolecall completion for fish. Load it with:  rolecall completion fish | source',
    '# or save it as ~/.config/fish/completions/rolecall.fish',
    'complete -c rolecall -f',
  ];
  const groups = new Set(spec.commands.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!));
  const topLevel = new Map<string, string>();
  for (const command of spec.commands) {
    const [group = '', sub] = command.name.split(' ');
    if (!topLevel.has(group)) topLevel.set(group, sub ? `${group} commands` : command.summary);
  }
  for (const [name, summary] of topLevel) {
    lines.push(`complete -c rolecall -n __fish_use_subcommand -a ${quote(name)} -d ${quote(summary)}`);
  }
  for (const command of spec.commands) {
    const [group = '', sub] = command.name.split(' ');
    const word = sub ?? group;
    if (sub) {
      const siblings = spec.commands.filter((c) => c.name.startsWith(`${group} `)).map((c) => c.name.split(' ')[1]);
      lines.push(
        `complete -c rolecall -n ${quote(`__fish_seen_subcommand_from ${group}; and not __fish_seen_subcommand_from ${siblings.join(' ')}`)} -a ${quote(sub)} -d ${quote(command.summary)}`,
      );
    }
    const condition = groups.has(word) ? undefined : `__fish_seen_subcommand_from ${word}`;
    if (!condition) continue;
    for (const flag of command.flags) lines.push(flagLine(condition, flag));
  }
  lines.push(`complete -c rolecall -n ${quote('__fish_seen_subcommand_from completion')} -a ${quote('bash zsh fish')}`);
  for (const flag of spec.global) lines.push(flagLine(undefined, flag));
  return `${lines.join('\n')}\n`;
}
