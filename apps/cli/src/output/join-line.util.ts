/**
 * Copies one line's three pieces into `chunk` from `at` (the caller has checked the room); returns
 * where the line ends. Shared by the writers that join lines on the command's thread.
 */
export function joinLine(chunk: Uint8Array, at: number, a: Uint8Array, b: Uint8Array, c: Uint8Array): number {
  chunk.set(a, at);
  at += a.length;
  chunk.set(b, at);
  at += b.length;
  chunk.set(c, at);
  return at + c.length;
}
