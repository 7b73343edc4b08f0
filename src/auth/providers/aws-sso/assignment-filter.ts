import picomatch from 'picomatch';

export interface GlobFilter {
  include?: string[];
  exclude?: string[];
}

/**
 * A test for names and ids against `include`/`exclude` globs (`*` also matches `/`, as account names
 * may hold one): included when any of the values matches an include glob (all, when none is given)
 * and none matches an exclude glob.
 */
export function globFilter(filter: GlobFilter | undefined): (...values: string[]) => boolean {
  const options = { bash: true, dot: true };
  const include = filter?.include?.length ? picomatch(filter.include, options) : () => true;
  const exclude = filter?.exclude?.length ? picomatch(filter.exclude, options) : () => false;
  return (...values) => values.some((value) => include(value)) && !values.some((value) => exclude(value));
}
