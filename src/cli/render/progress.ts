import { stripVTControlCharacters } from 'node:util';

/** The text cut to fit one row of `columns`: a wrapped line could not be rewritten in place. */
function fitted(text: string, columns: number | undefined): string {
  if (columns === undefined || columns < 2) return text;
  const plain = stripVTControlCharacters(text);
  return plain.length < columns ? text : `${plain.slice(0, columns - 2)}…`;
}

/**
 * One status line that rewrites itself on a terminal (at most ten times a second) and is wiped when
 * done; on anything else it writes nothing, so logs and captured stderr stay clean. `clear()` wipes
 * it for a moment, so that a log line is not written onto it; the next update draws it again.
 */
export function progressLine(stream: { isTTY?: boolean; columns?: number; write(text: string): unknown }) {
  const enabled = stream.isTTY === true;
  let last = 0;
  let shown = false;
  const clear = (): void => {
    if (shown) stream.write('\r\u001b[2K');
    shown = false;
  };
  return {
    update(text: string): void {
      const now = Date.now();
      if (!enabled || now - last < 100) return;
      last = now;
      shown = true;
      stream.write(`\r\u001b[2K${fitted(text, stream.columns)}`);
    },
    clear,
    done: clear,
  };
}
