/** A Markdown table cell: pipes escaped, line breaks as spaces, so a value never breaks the row. */
export function markdownCell(value: string | number | undefined): string {
  if (value === undefined) return '';
  return String(value).replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** `| a | b |` rows under a header; `align` per column (`r` right-aligns numbers). */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number | undefined)[])[], align = ''): string {
  const rule = header.map((_, i) => (align[i] === 'r' ? '---:' : '---'));
  const line = (cells: readonly (string | number | undefined)[]): string => `| ${cells.map(markdownCell).join(' | ')} |`;
  return [line(header), `| ${rule.join(' | ')} |`, ...rows.map(line)].join('\n');
}
