import { bashFunction } from './bash.js';
import type { completionSpec } from './spec.js';

/**
 * zsh completion through zsh's own bash-completion layer (bashcompinit), so both shells share one
 * tested completion function.
 */
export function zshCompletion(spec: ReturnType<typeof completionSpec>): string {
  return `# rolecall completion for zsh. Load it with:  eval "$(rolecall completion zsh)"  (after compinit)
autoload -U +X bashcompinit && bashcompinit
${bashFunction(spec)}complete -o default -F _rolecall rolecall
`;
}
