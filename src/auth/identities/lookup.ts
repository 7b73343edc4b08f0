/** What a requested identity name refers to among the configured ones. */
export type Lookup = { name: string } | { ambiguous: string[] } | { missing: true; suggestions: string[] };

const MAX_SUGGESTIONS = 5;

/**
 * Finds the identity a person meant: the exact name, else the only one that differs in case. Nothing
 * found gives the closest names: those containing what was typed, then those a few edits away.
 */
export function lookupIdentity(names: readonly string[], requested: string): Lookup {
  if (names.includes(requested)) return { name: requested };
  const lower = requested.toLowerCase();
  const sameButCase = names.filter((name) => name.toLowerCase() === lower);
  if (sameButCase.length === 1) return { name: sameButCase[0]! };
  if (sameButCase.length > 1) return { ambiguous: sameButCase };
  return { missing: true, suggestions: closestNames(names, requested) };
}

export function closestNames(names: readonly string[], requested: string): string[] {
  const lower = requested.toLowerCase();
  const budget = Math.max(2, Math.floor(requested.length / 3));
  return names
    .map((name) => {
      const candidate = name.toLowerCase();
      const distance = candidate.includes(lower) || lower.includes(candidate) ? 0 : editDistance(candidate, lower);
      return { name, distance };
    })
    .filter(({ distance }) => distance <= budget)
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, MAX_SUGGESTIONS)
    .map(({ name }) => name);
}

/** Levenshtein distance, in one row of memory. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}
