/** Longest-common-subsequence table of two line lists (sizes are a policy's YAML: small). */
function lcsTable(a: readonly string[], b: readonly string[]): number[][] {
  const table = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  return table;
}

type Line = { op: ' ' | '-' | '+'; text: string; a: number; b: number };

/**
 * A unified diff (`diff -u` style, 3 lines of context) between two texts; empty when they are equal.
 *
 * @example unifiedDiff('a\nb\n', 'a\nc\n', 'x', 'x') // '--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n'
 */
export function unifiedDiff(before: string, after: string, fromName: string, toName: string, context = 3): string {
  if (before === after) return '';
  const a = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const b = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  const table = lcsTable(a, b);
  const lines: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) lines.push({ op: ' ', text: a[i], a: i++, b: j++ });
    // deletions before insertions, as diff -u prints them
    else if (i < a.length && (j >= b.length || table[i + 1][j] >= table[i][j + 1])) lines.push({ op: '-', text: a[i], a: i++, b: j });
    else lines.push({ op: '+', text: b[j], a: i, b: j++ });
  }
  const out = [`--- ${before === '' ? '/dev/null' : `a/${fromName}`}`, `+++ ${after === '' ? '/dev/null' : `b/${toName}`}`];
  let k = 0;
  while (k < lines.length) {
    if (lines[k].op === ' ') {
      k++;
      continue;
    }
    const start = Math.max(0, k - context);
    let end = k;
    // extend the hunk while changes are within 2*context lines of each other
    for (let m = k; m < lines.length; m++) {
      if (lines[m].op !== ' ') end = m;
      else if (m - end > 2 * context) break;
    }
    const stop = Math.min(lines.length, end + context + 1);
    const hunk = lines.slice(start, stop);
    const aCount = hunk.filter((l) => l.op !== '+').length;
    const bCount = hunk.filter((l) => l.op !== '-').length;
    const aStart = aCount === 0 ? hunk[0].a : hunk[0].a + 1;
    const bStart = bCount === 0 ? hunk[0].b : hunk[0].b + 1;
    out.push(`@@ -${aStart},${aCount} +${bStart},${bCount} @@`, ...hunk.map((l) => `${l.op}${l.text}`));
    k = stop;
  }
  return `${out.join('\n')}\n`;
}
