/**
 * Lines joined from numbered pieces of UTF-8: a listing of millions of flows names a few thousand
 * endpoints and port lists, so each is encoded once as a piece and every line is three piece
 * numbers. The CLI's stdout joins them on its output thread (see OutputThread.lines), so the
 * command's thread spends no time copying bytes once that thread runs.
 */
export interface PieceLines {
  /** Numbers a piece (0, 1, 2, … in call order); its bytes are kept, and must not change, until `end`. */
  piece(bytes: Uint8Array): number;
  /** Writes one line: pieces `a`, `b` and `c` one after another (the last one ends with the line break). */
  line(a: number, b: number, c: number): void;
  /** Ends the lines: all of them are written, or queued in order before anything written after. */
  end(): void;
}
