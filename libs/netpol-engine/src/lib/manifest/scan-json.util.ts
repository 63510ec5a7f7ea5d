/** What one pass over a valid JSON text tells, beyond what `JSON.parse` returns. */
export interface JsonScan {
  /** Offset of the first key repeated within one object, if any. */
  duplicateKeyAt?: number;
  /** Offsets where the elements of the top-level object's `items` array start (a `kind: List`). */
  itemStarts: number[];
}

/**
 * Scans a valid JSON text (assumed: run it after `JSON.parse` succeeded) for repeated keys, which
 * `JSON.parse` silently resolves to the last one while the API server (strict field validation)
 * and our YAML reader reject them, and for where a List's items start, so that their lines are
 * known without parsing the text again.
 *
 * @example scanJson('{"a": 1, "items": [{"b": 2}], "a": 3}') // { duplicateKeyAt: 30, itemStarts: [19] }
 */
export function scanJson(text: string): JsonScan {
  const itemStarts: number[] = [];
  // Keys of the objects currently open, innermost last; arrays hold null. Lists are reused per depth.
  const keys: (string[] | null)[] = [];
  const pool: string[][] = [];
  let depth = 0;
  let expectKey = false;
  // Depth 1 is the top-level value; while its `items` array is open, each value starting at depth 2 is an item.
  let lastTopKey: string | undefined;
  let inItems = false;
  let expectItem = false;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x3a /* : */) continue;
    if (expectItem) {
      itemStarts.push(i);
      expectItem = false;
    }
    if (c === 0x7b /* { */) {
      const list = pool[depth] ?? (pool[depth] = []);
      list.length = 0;
      keys[depth++] = list;
      expectKey = true;
    } else if (c === 0x5b /* [ */) {
      keys[depth++] = null;
      expectKey = false;
      if (depth === 2 && lastTopKey === 'items' && keys[0] !== null) {
        inItems = true;
        expectItem = true;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (c === 0x5d && depth === 2 && inItems) {
        inItems = false;
        // `[]`: the start recorded for a first item was the closing bracket itself.
        if (itemStarts[itemStarts.length - 1] === i) itemStarts.pop();
      }
      depth--;
      expectKey = false;
    } else if (c === 0x2c /* , */) {
      expectKey = keys[depth - 1] !== null;
      if (inItems && depth === 2) expectItem = true;
    } else if (c === 0x22 /* " */) {
      let j = i + 1;
      let escaped = false;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) {
          escaped = true;
          j++;
        } else if (d === 0x22) break;
      }
      if (expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, j + 1)) as string) : text.slice(i + 1, j);
        const list = keys[depth - 1] as string[];
        if (list.includes(key)) return { duplicateKeyAt: i, itemStarts };
        list.push(key);
        if (depth === 1) lastTopKey = key;
        expectKey = false;
      }
      i = j;
    }
  }
  return { itemStarts };
}
