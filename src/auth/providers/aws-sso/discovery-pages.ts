export interface Page<T> {
  items: T[];
  nextToken?: string;
}

/** Far past any real organisation (a million accounts at 100 a page); only a broken server gets here. */
const MAX_PAGES = 10_000;

/** A listing that would never end: the server handed out a page token it had handed out before. */
export class PaginationLoop extends Error {
  override readonly name = 'PaginationLoop';
}

/**
 * The items of every page of one listing, a page at a time, following `nextToken` until it is absent
 * or empty. A token seen twice, or more than MAX_PAGES pages, ends it with PaginationLoop instead of
 * asking forever.
 */
export async function* pages<T>(fetchPage: (nextToken: string | undefined) => Promise<Page<T>>): AsyncGenerator<T[]> {
  const seen = new Set<string>();
  let nextToken: string | undefined;
  for (let count = 1; count <= MAX_PAGES; count++) {
    const page = await fetchPage(nextToken);
    yield page.items;
    if (!page.nextToken) return;
    if (seen.has(page.nextToken)) throw new PaginationLoop(`the same page token came back after ${count} pages`);
    seen.add(page.nextToken);
    nextToken = page.nextToken;
  }
  throw new PaginationLoop(`still more after ${MAX_PAGES} pages`);
}
