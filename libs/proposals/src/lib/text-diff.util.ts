import { structuredPatch } from 'diff';

/**
 * Edits beyond which, or milliseconds after which, the diff library stops looking for a minimal diff (Myers is
 * O(N·D), and runs while the revision is stored): two texts that different are shown as one hunk replacing every
 * line, which is still a correct diff.
 */
export const DIFF_MAX_EDIT_LENGTH = 1_000;
export const DIFF_TIMEOUT_MS = 100;

/** A unified diff (3 lines of context) that deletes every line of `a` and adds every line of `b`. */
function replaceAllHunk(a: string[], b: string[]): string[] {
  return [`@@ -${a.length === 0 ? 0 : 1},${a.length} +${b.length === 0 ? 0 : 1},${b.length} @@`, ...a.map((l) => `-${l}`), ...b.map((l) => `+${l}`)];
}

function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/**
 * A unified diff (`diff -u` style, 3 lines of context) between two texts; empty when they are equal. Myers' algorithm
 * from the `diff` library, linear in the text size for the small edits proposals make.
 *
 * @example unifiedDiff('a\nb\n', 'a\nc\n', 'x', 'x') // '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n'
 */
export function unifiedDiff(before: string, after: string, fromName: string, toName: string, context = 3): string {
  if (before === after) return '';
  const out = [`--- ${before === '' ? '/dev/null' : `a/${fromName}`}`, `+++ ${after === '' ? '/dev/null' : `b/${toName}`}`];
  // Both texts end with a newline (canonical YAML), so no "\ No newline at end of file" markers arise.
  const withNewline = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);
  const patch = structuredPatch('', '', withNewline(before), withNewline(after), undefined, undefined, { context, maxEditLength: DIFF_MAX_EDIT_LENGTH, timeout: DIFF_TIMEOUT_MS });
  if (patch === undefined) return `${[...out, ...replaceAllHunk(lines(before), lines(after))].join('\n')}\n`;
  for (const hunk of patch.hunks) {
    // GNU diff names the line before an empty range (`-0,0` for an added file); the library names the line after.
    const oldStart = hunk.oldLines === 0 ? hunk.oldStart - 1 : hunk.oldStart;
    const newStart = hunk.newLines === 0 ? hunk.newStart - 1 : hunk.newStart;
    out.push(`@@ -${oldStart},${hunk.oldLines} +${newStart},${hunk.newLines} @@`, ...hunk.lines);
  }
  return `${out.join('\n')}\n`;
}

/** Stored bound of one policy's diff text (bytes of UTF-8). */
export const POLICY_DIFF_MAX_BYTES = 256 * 1024;
/** Stored bound of all diffs of one proposal revision together (bytes of UTF-8). */
export const PROPOSAL_DIFF_MAX_BYTES = 8 * 1024 * 1024;

/**
 * Cuts a diff text to at most `maxBytes` of UTF-8 at a line boundary.
 *
 * @example truncateDiff('--- a\n+++ b\n@@ -1 +1 @@\n-x\n+y\n', 12) // { text: '--- a\n+++ b\n', truncated: true }
 */
export function truncateDiff(text: string, maxBytes: number): { text: string; truncated: boolean } {
  if (Buffer.byteLength(text) <= maxBytes) return { text, truncated: false };
  const cut = Buffer.from(text).subarray(0, maxBytes).toString('utf8');
  const lastNewline = cut.lastIndexOf('\n');
  return { text: lastNewline < 0 ? '' : cut.slice(0, lastNewline + 1), truncated: true };
}
