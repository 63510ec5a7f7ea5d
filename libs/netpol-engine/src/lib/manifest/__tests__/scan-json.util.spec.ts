import fc from 'fast-check';

import { scanJson } from '../scan-json.util';

describe(scanJson.name, () => {
  it.each<[string, string, number | undefined]>([
    ['no objects', '[1, "a", true, null]', undefined],
    ['the same key in sibling and nested objects is fine', '{"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}]}', undefined],
    ['a repeat in the outer object, after a nested one', '{"a": 1, "b": {"a": 2}, "a": 3}', 24],
    ['a repeat inside an array item', '[{"x": 1}, {"y": 1, "y": 2}]', 20],
    ['keys are compared after unescaping', '{"ab": 1, "a\\u0062": 2}', 10],
    ['quotes, braces and commas inside strings are text', '{"a": "x\\", \\"a\\": {", "b": "}, \\"a\\""}', undefined],
    ['a value equal to a key is not a key', '{"a": "a", "b": "a"}', undefined],
  ])('repeated keys: %s', (_reason, text, expected) => {
    expect(scanJson(text).duplicateKeyAt).toBe(expected);
  });

  it.each<[string, string, number[]]>([
    ['a List', '{"kind": "List", "items": [ {"a": 1}, 2 ,"x", [3]]}', [28, 38, 41, 46]],
    ['an empty List', '{"items": [ ]}', []],
    ['only the top-level items', '{"spec": {"items": [1]}, "items": [{"items": [5]}]}', [35]],
    ['not a top-level object', '[{"items": [1]}]', []],
  ])('item starts: %s', (_reason, text, expected) => {
    expect(scanJson(text).itemStarts).toEqual(expected);
  });

  it('agrees with JSON.stringify: no repeats in what it writes, items where it puts them, a spliced-in repeat found', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 4 }), fc.constantFrom(undefined, 2, '\t'), (items, indent) => {
        const text = JSON.stringify({ kind: 'List', items }, null, indent);
        const scan = scanJson(text);
        expect(scan.duplicateKeyAt).toBeUndefined();
        const expectedStarts: number[] = [];
        let from = text.indexOf('[') + 1;
        for (const item of items) {
          const written = JSON.stringify(item, null, indent).replace(/\n/g, `\n${typeof indent === 'number' ? ' '.repeat(indent * 2) : indent ? '\t\t' : ''}`);
          const at = text.indexOf(written, from);
          expectedStarts.push(at);
          from = at + written.length;
        }
        expect(scan.itemStarts).toEqual(expectedStarts);
        const spliced = JSON.stringify({ wrapper: items, k: 1 }).replace(/}$/, ',"k":2}');
        expect(scanJson(spliced).duplicateKeyAt).toBe(spliced.lastIndexOf('"k"'));
      }),
    );
  });
});
