import type { completionSpec, FlagSpec } from './spec.js';

type Spec = ReturnType<typeof completionSpec>;

const quote = (word: string) => `'${word.replaceAll("'", "'\\''")}'`;
const words = (list: readonly string[]) => list.map(quote).join(' ');

/** The completions of a flag's value, as a bash snippet that fills COMPREPLY. */
function valueCompletion(values: NonNullable<FlagSpec['values']>): string {
  if ('choices' in values) return `COMPREPLY=($(compgen -W ${quote(values.choices.join(' '))} -- "$cur"))`;
  if ('files' in values) return 'COMPREPLY=($(compgen -f -- "$cur"))';
  return `local IFS=$'\\n'; COMPREPLY=($(compgen -W "$(rolecall __complete ${values.names} 2>/dev/null)" -- "$cur"))`;
}

/**
 * A bash completion function. Command and flag lists are written into it; provider and identity
 * names are asked of `rolecall __complete`, which reads the compiled configuration.
 */
export function bashCompletion(spec: Spec): string {
  return `# rolecall completion for bash. Load it with:  eval "$(rolecall completion bash)"
# or save it as ~/.local/share/bash-completion/completions/rolecall
${bashFunction(spec)}complete -o default -F _rolecall rolecall
`;
}

/** The completion function alone (zsh runs it too, through bashcompinit). */
export function bashFunction(spec: Spec): string {
  const topLevel = [...new Set(spec.commands.map((command) => command.name.split(' ')[0]!))];
  const valueFlags = new Set<string>();
  const flagCases: string[] = [];
  const valueCases: string[] = [];
  for (const command of spec.commands) {
    flagCases.push(`    ${quote(command.name)}) flags+=(${words(command.flags.map((flag) => flag.flag))}) ;;`);
    for (const flag of command.flags.filter((candidate) => candidate.takesValue)) {
      valueFlags.add(flag.flag);
      if (flag.values)
        valueCases.push(`    ${quote(`${command.name}|${flag.flag}`)}) ${valueCompletion(flag.values)}; return ;;`);
    }
  }
  const globalCases: string[] = [];
  for (const flag of spec.global.filter((candidate) => candidate.takesValue)) {
    valueFlags.add(flag.flag);
    if (flag.values) globalCases.push(`    ${quote(flag.flag)}) ${valueCompletion(flag.values)}; return ;;`);
  }
  const subcommands = new Map<string, string[]>();
  for (const command of spec.commands) {
    const [group, sub] = command.name.split(' ');
    if (sub) subcommands.set(group!, [...(subcommands.get(group!) ?? []), sub]);
  }
  return `_rolecall() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local command='' word i skip=0
  for ((i = 1; i < COMP_CWORD; i++)); do
    word=\${COMP_WORDS[i]}
    if ((skip)); then skip=0; continue; fi
    case $word in
      ${[...valueFlags].map(quote).join('|')}) skip=1 ;;
      -*) ;;
      *)
        if [[ -z $command ]]; then command=$word
        else case $command in ${[...subcommands.keys()].map(quote).join('|') || "''"}) command="$command $word" ;; esac
        fi ;;
    esac
  done
  if ((skip)); then
    case "$command|$prev" in
${valueCases.join('\n')}
    esac
    case $prev in
${globalCases.join('\n')}
    esac
    COMPREPLY=()
    return
  fi
  if [[ $cur == -* ]]; then
    local flags=(${words(spec.global.map((flag) => flag.flag))})
    case $command in
${flagCases.join('\n')}
    esac
    COMPREPLY=($(compgen -W "\${flags[*]}" -- "$cur"))
    return
  fi
  case $command in
    '') COMPREPLY=($(compgen -W ${quote(topLevel.join(' '))} -- "$cur")) ;;
${[...subcommands].map(([group, subs]) => `    ${quote(group)}) COMPREPLY=($(compgen -W ${quote(subs.join(' '))} -- "$cur")) ;;`).join('\n')}
    completion) COMPREPLY=($(compgen -W 'bash zsh fish' -- "$cur")) ;;
    *) COMPREPLY=() ;;
  esac
}
`;
}
