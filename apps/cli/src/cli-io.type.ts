import type { PieceLines } from './output/piece-lines.type';

/** Where a command writes and from where it resolves relative paths; tests pass buffers. */
export interface CliIo {
  stdout(text: string): void;
  /**
   * Output already encoded as UTF-8, for long listings (no string per line); main.ts writes it to
   * the process's stdout. Absent: the bytes are decoded and handed to `stdout`.
   */
  stdoutBytes?(bytes: Uint8Array): void;
  /**
   * A buffer of `length` bytes or more to fill and hand to `stdoutBytes`, done with once that
   * returns (main.ts: one buffer reused). Absent: writers allocate a chunk each.
   */
  stdoutRoom?(length: number): Uint8Array;
  /**
   * Lines of numbered pieces for the longest listings (see PieceLines); main.ts joins them on its
   * output thread. Absent: writers join the lines themselves.
   */
  stdoutLines?(): PieceLines;
  stderr(text: string): void;
  cwd: string;
  /** All of standard input, for the path `-`; main.ts reads the process's, tests pass text. Absent: nothing to read. */
  stdin?: () => string;
  /**
   * The environment the server commands read (`PALISADE_TOKEN`, `PALISADE_RETRY_DELAYS_MS`); main.ts
   * passes the process's, tests their own. Absent: an empty environment.
   */
  env?: Readonly<Record<string, string | undefined>>;
}
