/**
 * Names matching what was typed, best first: every typed character in order (`sbxpow` finds
 * `sandbox/PowerUserAccess`), ranked by how tightly they match and how early they start. An empty
 * term keeps every name in its order.
 */
export function fuzzyFilter(names: readonly string[], term: string): string[] {
  const needle = term.trim().toLowerCase();
  if (needle === '') return [...names];
  const scored: { name: string; score: number }[] = [];
  for (const name of names) {
    const score = matchScore(name.toLowerCase(), needle);
    if (score !== undefined) scored.push({ name, score });
  }
  return scored.sort((a, b) => a.score - b.score || a.name.localeCompare(b.name)).map(({ name }) => name);
}

/** Lower is better: a substring beats a scattered match; gaps and a late start cost. */
function matchScore(haystack: string, needle: string): number | undefined {
  const at = haystack.indexOf(needle);
  if (at >= 0) return at;
  let position = -1;
  let first = -1;
  let gaps = 0;
  for (const char of needle) {
    const next = haystack.indexOf(char, position + 1);
    if (next < 0) return undefined;
    if (first < 0) first = next;
    else gaps += next - position - 1;
    position = next;
  }
  return 1000 + gaps * 10 + first;
}
