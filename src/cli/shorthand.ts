/** Tools `rolecall <tool> ARGS...` runs as `rolecall exec -- <tool> ARGS...`. */
export const SHORTHAND_TOOLS = ['terraform', 'tofu'] as const;

const GLOBAL_WITH_VALUE = new Set(['--config', '--log-level']);
const OWN_WITH_VALUE = new Set(['--identity']);
const OWN_FLAGS = new Set(['--export-keys']);

const flagName = (arg: string) => arg.split('=', 1)[0]!;

/**
 * `rolecall terraform plan -var x=1 --identity prod` as `rolecall --identity prod exec -- terraform
 * plan -var x=1`: rolecall's own options (`--identity`, `--export-keys` and the global ones) are taken
 * from anywhere before a `--`; everything else reaches the tool in its order, `--help` included.
 * Other command lines are returned as they are.
 */
export function shorthandToExec(argv: string[]): string[] {
  const globals: string[] = [];
  let index = 0;
  for (; index < argv.length && argv[index]!.startsWith('--'); index++) {
    const arg = argv[index]!;
    if (!GLOBAL_WITH_VALUE.has(flagName(arg)) && arg !== '--no-color') return argv;
    globals.push(arg);
    if (GLOBAL_WITH_VALUE.has(arg) && index + 1 < argv.length) globals.push(argv[++index]!);
  }
  const tool = argv[index];
  if (!(SHORTHAND_TOOLS as readonly string[]).includes(tool ?? '')) return argv;
  const own: string[] = [];
  const passed: string[] = [];
  const rest = argv.slice(index + 1);
  for (let at = 0; at < rest.length; at++) {
    const arg = rest[at]!;
    if (arg === '--') {
      passed.push(...rest.slice(at + 1));
      break;
    }
    const name = flagName(arg);
    const target =
      OWN_WITH_VALUE.has(name) || OWN_FLAGS.has(arg)
        ? own
        : GLOBAL_WITH_VALUE.has(name) || arg === '--no-color'
          ? globals
          : undefined;
    if (!target) {
      passed.push(arg);
      continue;
    }
    target.push(arg);
    // A flag whose value is missing stays alone, so that the parser says so.
    const hasValue = at + 1 < rest.length && rest[at + 1] !== '--';
    if ((OWN_WITH_VALUE.has(arg) || GLOBAL_WITH_VALUE.has(arg)) && hasValue) target.push(rest[++at]!);
  }
  return [...globals, 'exec', ...own, '--', tool!, ...passed];
}
