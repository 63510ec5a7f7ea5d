import fc from 'fast-check';

import { parseManifestText } from '../parse-manifest-text.util';
import { readFixture } from './fixtures';
import { networkPolicyManifestArbitrary } from './network-policy.arbitrary';

const summary = (text: string) => {
  const { documents, errors } = parseManifestText(text);
  return { documents: documents.map((d) => ({ document: d.document, value: d.value })), errors };
};

describe(parseManifestText.name, () => {
  describe('documents', () => {
    it('numbers documents as written, skipping empty ones without renumbering', () => {
      const text = ['a: 1', '---', '---', '# only a comment', '---', 'b: 2', '---', '~', '---', 'c: 3', ''].join('\n');
      expect(summary(text)).toEqual({
        documents: [
          { document: 1, value: { a: 1 } },
          { document: 4, value: { b: 2 } },
          { document: 6, value: { c: 3 } },
        ],
        errors: [],
      });
    });

    it('treats a leading --- as the start of the first document', () => {
      expect(summary('---\na: 1\n---\nb: 2\n').documents.map((d) => d.document)).toEqual([1, 2]);
    });

    it.each<[string, string]>([
      ['empty text', ''],
      ['only whitespace and comments', '\n  \n# nothing here\n'],
      ['only separators', '---\n---\n'],
    ])('returns nothing for %s', (_reason, text) => {
      expect(summary(text)).toEqual({ documents: [], errors: [] });
    });

    it('reads JSON, including tab-indented JSON', () => {
      const json = '{\n\t"kind": "NetworkPolicy",\n\t"spec": {\n\t\t"podSelector": {}\n\t}\n}\n';
      const { documents, errors } = parseManifestText(json);
      expect(errors).toEqual([]);
      expect(documents[0]?.value).toEqual({ kind: 'NetworkPolicy', spec: { podSelector: {} } });
      expect(documents[0]?.lineOf(['spec', 'podSelector'])).toBe(4);
    });

    it('reads JSON as the YAML reader would, values and lines, however it is laid out', () => {
      const list = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('List'), items: fc.array(networkPolicyManifestArbitrary, { maxLength: 3 }) });
      fc.assert(
        fc.property(fc.oneof(networkPolicyManifestArbitrary, list), fc.constantFrom(undefined, 1, '\t'), (manifest, indent) => {
          const json = JSON.stringify(manifest, null, indent);
          // A leading comment keeps the same text on the YAML path, one line further down.
          const viaJson = parseManifestText(json);
          const viaYaml = parseManifestText(`# yaml\n${json}`);
          expect(viaJson.errors).toEqual([]);
          expect(viaJson.documents.map((d) => [d.value, d.pathPrefix])).toEqual(viaYaml.documents.map((d) => [d.value, d.pathPrefix]));
          viaJson.documents.forEach((d, i) => {
            for (const path of [[], ['metadata', 'name'], ['spec', 'podSelector'], ['spec', 'nope']]) {
              const line = viaYaml.documents[i].lineOf(path);
              expect(d.lineOf(path)).toBe(line === undefined ? undefined : line - 1);
            }
          });
        }),
        { numRuns: 200 },
      );
    });

    it('knows where JSON documents and List items start, as the YAML reader would', () => {
      const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod' }, { kind: 'List', items: [{ kind: 'Namespace' }] }] }, null, 2);
      const starts = (text: string) => parseManifestText(text).documents.map((d) => [d.pathPrefix, d.startLine]);
      expect(starts(`\n\n${json}`)).toEqual([
        ['items[0]', 7],
        ['items[1].items[0]', 13],
      ]);
      expect(starts(`# yaml\n\n${json}`)).toEqual([
        ['items[0]', 7],
        ['items[1].items[0]', 13],
      ]);
      expect(parseManifestText('\n{"kind": "Pod"}').documents[0]?.startLine).toBe(2);
    });

    it('rejects a key repeated in JSON, as in YAML, at the line of the second', () => {
      const json = '{\n  "kind": "Pod",\n  "metadata": {"name": "a"},\n  "kind": "Service"\n}\n';
      expect(parseManifestText(json)).toEqual({ documents: [], errors: [{ document: 1, line: 4, path: '', message: 'YAML syntax error: Map keys must be unique' }] });
    });

    it('reads JSON that JSON.parse refuses through the YAML reader', () => {
      expect(summary('{"kind": "Pod",}').errors).toEqual([]); // YAML flow mappings allow a trailing comma
      expect(summary('{"kind": "Pod"').errors[0]).toMatchObject({ document: 1, line: 1, message: expect.stringContaining('YAML syntax error') });
    });

    it('passes the source name on', () => {
      expect(parseManifestText('a: 1', { source: 'a.yaml' }).documents[0]).toMatchObject({ source: 'a.yaml', pathPrefix: '' });
    });
  });

  describe('YAML like kubectl (1.1)', () => {
    it.each<[string, string, unknown]>([
      ['yes is a boolean, so an unquoted label value is caught here, not at sync', 'v: yes', true],
      ['on is a boolean', 'v: on', true],
      ['quoted yes stays a string', 'v: "yes"', 'yes'],
      ['0x1BB is a number', 'v: 0x1BB', 443],
      ['1:20 is not a base-60 number (kubectl keeps it a string)', 'v: 1:20', '1:20'],
      ['dates stay strings', 'v: 2024-01-01', '2024-01-01'],
      ['an exponent without a mantissa is a string, as in go-yaml', 'v: e2', 'e2'],
      ['a float with an exponent is a number', 'v: 1.5e3', 1500],
      ['an empty value is null', 'v:', null],
    ])('%s', (_reason, text, expected) => {
      expect(summary(text).documents[0]?.value).toEqual({ v: expected });
    });

    it('supports merge keys', () => {
      expect(summary('base: &b {app: web}\nsel:\n  <<: *b\n  tier: api\n').documents[0]?.value).toEqual({
        base: { app: 'web' },
        sel: { app: 'web', tier: 'api' },
      });
    });
  });

  describe('errors', () => {
    it('rejects the seed article’s mis-indented egress manifest at the line of "ports:"', () => {
      const text = readFixture('seed-broken-egress.yaml');
      const portsLine = text.split('\n').findIndex((l) => l === '   ports:') + 1;
      expect(portsLine).toBe(14);
      expect(parseManifestText(text, { source: 'seed-broken-egress.yaml' })).toEqual({
        documents: [],
        errors: [
          {
            source: 'seed-broken-egress.yaml',
            document: 1,
            line: 14,
            path: '',
            message: 'YAML syntax error: Sequence item without - indicator (check the indentation of this line)',
          },
        ],
      });
    });

    it('names non-breaking-space indentation (the article as published) instead of the syntax errors it causes', () => {
      const text = readFixture('seed-nbsp-default-deny.yaml');
      expect(parseManifestText(text).errors).toEqual([
        { document: 1, line: 5, path: '', message: 'indentation contains non-breaking spaces (U+00A0); YAML needs regular spaces' },
      ]);
    });

    it('names non-breaking-space indentation when it happens to parse', () => {
      expect(parseManifestText('kind: Pod\nmetadata:\n\u00a0\u00a0name: x\n').errors).toEqual([
        { document: 1, line: 3, path: '', message: 'indentation contains non-breaking spaces (U+00A0); YAML needs regular spaces' },
      ]);
    });

    it('rejects duplicate keys (kubectl does too), with the line of the second', () => {
      const { errors } = parseManifestText('a: 1\n---\nkind: Pod\nkind: Service\n');
      expect(errors).toEqual([{ document: 2, line: 4, path: '', message: 'YAML syntax error: Map keys must be unique' }]);
    });

    it('keeps the other documents when one is broken', () => {
      const { documents, errors } = parseManifestText('a: 1\n---\nb: [1\n---\nc: 3\n');
      expect(documents.map((d) => d.document)).toEqual([1, 3]);
      expect(errors.map((e) => [e.document, e.line])).toEqual([[2, 4]]);
    });

    it('returns an alias bomb as an error instead of expanding it', () => {
      const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
      const { documents, errors } = parseManifestText(lines.join('\n'));
      expect(documents).toEqual([]);
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toMatch(/^YAML error: /);
    });
  });

  describe('lineOf', () => {
    const text = [
      '# comment', //                        1
      '---', //                              2
      'metadata:', //                        3
      '  name: web', //                      4
      'spec:', //                            5
      '  egress:', //                        6
      '  - to:', //                          7
      '    - ipBlock: {cidr: 1.1.1.1/32}', // 8
      '    ports:', //                       9
      '    - port: 443', //                  10
      '      protocol: TCP', //              11
    ].join('\n');
    const [doc] = parseManifestText(text).documents;

    it.each<[string, (string | number)[], number]>([
      ['the document starts at its first content line', [], 3],
      ['a field gives the line of its key', ['metadata', 'name'], 4],
      ['a list item gives the line of its dash', ['spec', 'egress', 0], 7],
      ['nested list items and flow maps', ['spec', 'egress', 0, 'to', 0, 'ipBlock', 'cidr'], 8],
      ['a field inside a list item', ['spec', 'egress', 0, 'ports', 0, 'protocol'], 11],
      ['a missing field gives its nearest existing ancestor', ['spec', 'egress', 0, 'ports', 0, 'endPort'], 10],
      ['an index out of range gives the list', ['spec', 'egress', 3], 6],
    ])('%s', (_reason, path, line) => {
      expect(doc?.lineOf(path)).toBe(line);
    });
  });

  describe('Lists', () => {
    const text = [
      'apiVersion: v1', //             1
      'kind: Pod', //                  2
      '---', //                        3
      'apiVersion: v1', //             4
      'kind: List', //                 5
      'items:', //                     6
      '- kind: NetworkPolicy', //      7
      '  metadata: {name: a}', //      8
      '- kind: List', //               9
      '  items:', //                   10
      '  - kind: NetworkPolicy', //    11
      '    metadata:', //              12
      '      name: b', //              13
    ].join('\n');
    const { documents, errors } = parseManifestText(text);

    it('expands items (recursively), keeping the document number and prefixing the path', () => {
      expect(errors).toEqual([]);
      expect(documents.map((d) => [d.document, d.pathPrefix, d.value])).toEqual([
        [1, '', { apiVersion: 'v1', kind: 'Pod' }],
        [2, 'items[0]', { kind: 'NetworkPolicy', metadata: { name: 'a' } }],
        [2, 'items[1].items[0]', { kind: 'NetworkPolicy', metadata: { name: 'b' } }],
      ]);
    });

    it('resolves lines relative to the item', () => {
      expect(documents[1]?.lineOf(['metadata', 'name'])).toBe(8);
      expect(documents[2]?.lineOf([])).toBe(11);
      expect(documents[2]?.lineOf(['metadata', 'name'])).toBe(13);
    });

    it('expands typed lists such as NetworkPolicyList', () => {
      const list = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nmetadata: {resourceVersion: "1"}\nitems:\n- {kind: NetworkPolicy}\n';
      expect(parseManifestText(list).documents.map((d) => d.pathPrefix)).toEqual(['items[0]']);
    });

    it.each<[string, string, number]>([
      ['an empty List', 'kind: List\nitems: []\n', 0],
      ['a List without items', 'kind: List\n', 0],
      ['a kind merely ending in List without items is not a list', 'kind: AllowList\nspec: {}\n', 1],
    ])('handles %s', (_reason, text, count) => {
      expect(parseManifestText(text)).toMatchObject({ documents: { length: count }, errors: [] });
    });

    it('rejects items that are not a list', () => {
      expect(parseManifestText('kind: List\nitems:\n  a: 1\n').errors).toEqual([{ document: 1, line: 2, path: 'items', message: 'must be a list' }]);
    });
  });
});
