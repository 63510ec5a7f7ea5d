import fc from 'fast-check';
import { stringify } from 'yaml';

import { parseAsYaml, parseManifestText } from '../parse-manifest-text.util';
import { parsePlainYaml, usesNonPlainFeatures } from '../parse-plain-yaml.util';
import { readFixture } from './fixtures';
import { networkPolicyManifestArbitrary } from './network-policy.arbitrary';

const YAML_1_1 = { version: '1.1' } as const;

/** What a reader returns, with every line the analysis may ask for. */
function reading(result: ReturnType<typeof parseManifestText>) {
  return {
    errors: result.errors,
    documents: result.documents.map((d) => ({
      document: d.document,
      pathPrefix: d.pathPrefix,
      startLine: d.startLine,
      value: d.value,
      lines: [[], ['metadata', 'name'], ['spec', 'podSelector'], ['spec', 'ingress', 0, 'ports'], ['spec', 'egress', 0], ['spec', 'nope']].map((p) => d.lineOf(p)),
    })),
  };
}

// Plain scalars YAML 1.1 and 1.2 resolve differently, or that look like other types, unquoted.
const lookalike = fc.constantFrom(
  'yes', 'No', 'ON', 'off', 'y', 'n', 'true', 'False', 'null', 'Null', '~', '', '0755', '08', '0o17', '0x1F', '-0x1f', '0b101', '1_000', '+12', '-0',
  '1e3', '1.5e3', 'e2', '1.10', '.5', '.inf', '-.Inf', '.nan', '1:20', '2024-01-01', '12:30:00', 'web', 'a b', 'app.kubernetes.io/name', 'true-ish', 'Yesterday',
  '9007199254740993', '0.1', '1.', '+.5',
);
const key = fc.oneof(fc.constantFrom('app', 'y', 'on', 'no', '1', '0x10', 'tier', 'a.b/c'), fc.stringMatching(/^[a-z][a-z0-9-]{0,6}$/));
const layout = fc.record({ leadingComment: fc.boolean(), leadingSeparator: fc.boolean(), emptyDocs: fc.nat(2), indentSeq: fc.boolean(), flowLevel: fc.constantFrom(-1, 2, 3) });

/** A document of hand-written YAML: block maps and lists with unquoted lookalike scalars. */
const handWritten = fc
  .tuple(fc.dictionary(key, lookalike, { maxKeys: 4 }), fc.array(lookalike, { maxLength: 3 }), fc.constantFrom('NetworkPolicy', 'Pod', 'List', 'Service'))
  .map(([labels, values, kind]) => {
    const lines = ['apiVersion: v1', `kind: ${kind}`, 'metadata:', '  name: x  # a comment', '  labels:', ...Object.entries(labels).map(([k, v]) => `    ${k}: ${v}`)];
    if (kind === 'List') lines.push('items:', ...values.map((v) => `- {kind: Pod, v: ${v === '' ? '""' : v}}`), '-', '  kind: Namespace', '  values:', ...values.map((v) => `  - ${v}`));
    else lines.push('spec:', '  values:', ...values.map((v) => `  - ${v}`), '  empty:');
    return lines.join('\n');
  });

describe(usesNonPlainFeatures.name, () => {
  // What the scan must find, as the one regular expression it replaces (m flag: ^ and $ at every line).
  const NOT_PLAIN = /(?:^|[\s,[{])[!&*?]|<<|^%|^\.\.\.(?:\s|$)|\u00a0|\ufeff|^[ ]*\t|^[ \t]*(?:-[ \t]+)*(?:~|null|Null|NULL)?[ \t]*:(?:\s|$)/m;
  // Every character the expression names, the line ends JavaScript knows, other white space, and letters.
  const piece = fc.constantFrom(
    ' ', '  ', '\t', '\n', '\r', '\r\n', '\u2028', '\u2029', '\u3000', '\u00a0', '\ufeff', '\v', '-', '- ', ':', ': ', '~', 'null', 'Null', 'NULL', 'nul',
    '.', '...', '%', '!', '&', '*', '?', '<', '<<', ',', '[', '{', 'a', 'key', 'x',
  );

  it('finds exactly what the regular expression finds, on random text', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const text = pieces.join('');
        expect(usesNonPlainFeatures(text)).toBe(NOT_PLAIN.test(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it.each(['a: b\n', 'a: b\n- c: d\n  e: "x!"\n', 'url: http://x/?a=b&c=d\n', 'a:\n  b: 1\n...x\n'])('reads %j as plain', (text) => {
    expect(usesNonPlainFeatures(text)).toBe(false);
  });

  it.each(['...', ':', '- - null :\n', 'a: 1\r%x', 'a:\u2028  \tb', 'a: [x,*y]', 'a: b\u00a0'])('reads %j as not plain', (text) => {
    expect(usesNonPlainFeatures(text)).toBe(true);
  });

  it('checks each line once, however many candidates it has (one long line of flow YAML, indented far)', () => {
    // 300,000 candidate colons and tabs on one line after 100,000 spaces: walking back to the line
    // start, or checking it again, for each would be 10^10 steps (the regular expression itself
    // took 10 s on this text; the scan takes a fifth of a second).
    const line = `${' '.repeat(100_000)}{${'k :\tv, '.repeat(300_000)}}`;
    expect(usesNonPlainFeatures(`a: 1\n${line}\n`)).toBe(false);
    expect(usesNonPlainFeatures(`a: 1\n${line}\n:\n`)).toBe(true);
  });
});

describe(parsePlainYaml.name, () => {
  it('reads YAML as the yaml library does (values, documents, lines), for manifests in any layout', () => {
    let plain = 0;
    const list = fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('List'), items: fc.array(networkPolicyManifestArbitrary, { maxLength: 3 }) });
    fc.assert(
      fc.property(fc.array(fc.oneof(networkPolicyManifestArbitrary, list), { minLength: 1, maxLength: 3 }), layout, (manifests, l) => {
        const docs = manifests.map((m) => stringify(m, { ...YAML_1_1, aliasDuplicateObjects: false, indentSeq: l.indentSeq, flowCollectionPadding: false, ...(l.flowLevel > 0 ? { collectionStyle: 'block' } : {}) }));
        const text = [l.leadingComment ? '# generated\n' : '', l.leadingSeparator ? '---\n' : '', docs.join(`---\n${'---\n'.repeat(l.emptyDocs)}`)].join('');
        if (parsePlainYaml(text, YAML_1_1)) plain++;
        expect(reading(parseManifestText(text))).toEqual(reading(parseAsYaml(text, undefined)));
      }),
      { numRuns: 150 },
    );
    expect(plain).toBeGreaterThan(75); // the comparison is of the fast path, not of the fallback with itself
  });

  it('resolves unquoted scalars as YAML 1.1 (kubectl) does in the yaml library: yes is true, 0755 octal, 1:20 a string', () => {
    let plain = 0;
    fc.assert(
      fc.property(fc.array(handWritten, { minLength: 1, maxLength: 3 }), (docs) => {
        const text = docs.join('\n---\n');
        if (parsePlainYaml(text, YAML_1_1)) plain++;
        expect(reading(parseManifestText(text))).toEqual(reading(parseAsYaml(text, undefined)));
      }),
      { numRuns: 200 },
    );
    expect(plain).toBeGreaterThan(150);
  });

  it.each<[string, string]>([
    ['an anchor and alias', 'a: &x {b: 1}\nc: *x\n'],
    ['a merge key', 'a: {b: 1}\nc:\n  <<: {b: 2}\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a complex key', '? [a]\n: b\n'],
    ['a directive', '%YAML 1.1\n---\na: 1\n'],
    ['a document end marker', 'a: 1\n...\n'],
    ['a null key', '~: 1\n'],
    ['tab indentation', 'a:\n\tb: 1\n'],
    ['a duplicate key (the error and its line come from the yaml library)', 'a: 1\na: 2\n'],
    ['malformed YAML', 'a:\n  b: 1\n c: [1\n'],
  ])('leaves %s to the yaml library', (_reason, text) => {
    expect(parsePlainYaml(text, YAML_1_1)).toBeUndefined();
    expect(reading(parseManifestText(text))).toEqual(reading(parseAsYaml(text, undefined)));
  });

  it.each(['seed-broken-egress.yaml', 'seed-nbsp-default-deny.yaml', 'seed-cluster.yaml'])('reads the fixture %s exactly as the yaml library does', (name) => {
    const text = readFixture(name);
    expect(reading(parseManifestText(text, { source: name }))).toEqual(reading(parseAsYaml(text, name)));
  });

  it('reads broken YAML as the yaml library does: the same errors at the same lines, the same documents around them', () => {
    const base = readFixture('seed-cluster.yaml');
    const edit = fc.record({ at: fc.nat(base.length - 1), insert: fc.constantFrom('', ' ', '  ', ':', '\n', '- ', '"', "'", '[', '{', '#') , remove: fc.nat(3) });
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = base;
        for (const e of edits) text = text.slice(0, e.at) + e.insert + text.slice(e.at + e.remove);
        expect(reading(parseManifestText(text))).toEqual(reading(parseAsYaml(text, undefined)));
      }),
      { numRuns: 150 },
    );
  });

  it('knows where documents and List items start without parsing again', () => {
    const sut = parsePlainYaml('# c\n---\nkind: List\nitems:\n- kind: Pod\n-\n  kind: Namespace\n---\n\n  x: 1\n', YAML_1_1);
    expect(sut?.documents.map((d) => d.startLine)).toEqual([3, 10]);
    const items = (sut?.documents[0]?.value as { items: object[] }).items;
    expect(items.map((i) => sut?.objectLines.get(i))).toEqual([5, 7]);
  });
});
