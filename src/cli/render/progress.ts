/**
 * One status line that rewrites itself on a terminal (at most ten times a second) and is wiped when
 * done; on anything else it writes nothing, so logs and captured stderr stay clean.
 */
export function progressLine(stream: { isTTY?: boolean; write(text: string): unknown }) {
  const enabled = stream.isTTY === true;
  let last = 0;
  let shown = false;
  return {
    update(text: string): void {
      const now = Date.now();
      if (!enabled || now - last < 100) return;
      last = now;
      shown = true;
      stream.write(`\r\u001b[2K${text}`);
    },
    done(): void {
      if (shown) stream.write('\r\u001b[2K');
      shown = false;
    },
  };
}
