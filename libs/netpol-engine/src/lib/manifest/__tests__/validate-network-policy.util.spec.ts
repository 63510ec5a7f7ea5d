import { validateNetworkPolicy } from '../validate-network-policy.util';
import { manifest, withIngressPeers, withIngressPorts, withIpBlock, withPodSelector } from './network-policy.fixture';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName', or 'my.name', or '123-abc')";
const LABEL_VALUE_MSG =
  "a valid label value must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue', or 'my_value', or '12345')";
const QUALIFIED_NAME_MSG =
  "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
const PORT_RANGE = 'must be an integer between 1 and 65535';
const INVALID_CIDR = 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const PEER_REQUIRED = 'must specify at least one of podSelector, namespaceSelector or ipBlock';

const ctx = { document: 1 };
const errorsOf = (value: unknown) => validateNetworkPolicy(value, ctx).errors.map(({ path, message }) => ({ path, message }));

describe(validateNetworkPolicy.name, () => {
  describe('rejects with exactly one error at the offending field', () => {
    it.each<[string, unknown, string, string]>([
      // --- document and top level
      ['a scalar document is not a manifest', 'hello', '', 'must be an object'],
      ['a list document is not a manifest', [manifest()], '', 'must be an object'],
      ['apiVersion is required', { ...manifest(), apiVersion: undefined }, 'apiVersion', 'is required'],
      ['only the v1 API is accepted (beta was removed in 1.16)', { ...manifest(), apiVersion: 'extensions/v1beta1' }, 'apiVersion', 'unsupported value "extensions/v1beta1": must be "networking.k8s.io/v1"'],
      ['kind is case-sensitive', { ...manifest(), kind: 'Networkpolicy' }, 'kind', 'unsupported value "Networkpolicy": must be "NetworkPolicy"'],
      ['kind must be a string', { ...manifest(), kind: 7 }, 'kind', 'must be a string'],
      ['unknown top-level fields are typos, not extensions', { ...manifest(), specs: {} }, 'specs', 'unknown field "specs"'],
      ['metadata is required', { ...manifest(), metadata: undefined }, 'metadata', 'is required'],
      ['metadata must be a map', { ...manifest(), metadata: 'web' }, 'metadata', 'must be an object'],
      ['spec is required (a missing spec silently isolates every pod)', { ...manifest(), spec: undefined }, 'spec', 'is required'],
      ['spec: null is the same as a missing spec', { ...manifest(), spec: null }, 'spec', 'is required'],
      ['spec must be a map', manifest('deny-all'), 'spec', 'must be an object'],

      // --- metadata
      ['name is required', manifest(undefined, { name: undefined }), 'metadata.name', 'is required'],
      ['an empty name is a missing name', manifest(undefined, { name: '' }), 'metadata.name', 'is required'],
      ['name must be a string', manifest(undefined, { name: 42 }), 'metadata.name', 'must be a string'],
      ['name is a lowercase DNS-1123 subdomain', manifest(undefined, { name: 'Web_App' }), 'metadata.name', `invalid value "Web_App": ${SUBDOMAIN_MSG}`],
      ['name may not end with a dot', manifest(undefined, { name: 'web.' }), 'metadata.name', `invalid value "web.": ${SUBDOMAIN_MSG}`],
      ['name is at most 253 characters', manifest(undefined, { name: 'a'.repeat(254) }), 'metadata.name', `invalid value "${'a'.repeat(79)}…: must be no more than 253 characters`],
      ['namespace is a DNS-1123 label: no dots', manifest(undefined, { namespace: 'my.ns' }), 'metadata.namespace', `invalid value "my.ns": ${LABEL_MSG}`],
      ['namespace is at most 63 characters', manifest(undefined, { namespace: 'n'.repeat(64) }), 'metadata.namespace', `invalid value "${'n'.repeat(64)}": must be no more than 63 characters`],
      ['namespace must be a string', manifest(undefined, { namespace: ['shop'] }), 'metadata.namespace', 'must be a string'],
      ['unknown metadata fields are rejected', manifest(undefined, { lables: { app: 'web' } }), 'metadata.lables', 'unknown field "lables"'],
      ['labels must be a map', manifest(undefined, { labels: ['app=web'] }), 'metadata.labels', 'must be an object'],
      ['label values must be strings (quote "true")', manifest(undefined, { labels: { managed: true } }), 'metadata.labels[managed]', 'must be a string'],
      ['a label key has at most one slash', manifest(undefined, { labels: { 'a/b/c': 'x' } }), 'metadata.labels[a/b/c]', `invalid key "a/b/c": ${QUALIFIED_NAME_MSG}`],
      ['a label key prefix is a lowercase DNS subdomain', manifest(undefined, { labels: { 'Example.com/app': 'x' } }), 'metadata.labels[Example.com/app]', `invalid key "Example.com/app": prefix part ${SUBDOMAIN_MSG}`],
      ['a label key prefix may not be empty', manifest(undefined, { labels: { '/app': 'x' } }), 'metadata.labels[/app]', 'invalid key "/app": prefix part must be non-empty'],
      ['a label key name part is at most 63 characters', manifest(undefined, { labels: { ['k'.repeat(64)]: 'x' } }), `metadata.labels[${'k'.repeat(64)}]`, `invalid key "${'k'.repeat(64)}": name part must be no more than 63 characters`],
      ['a label key name part starts alphanumeric', manifest(undefined, { labels: { _app: 'x' } }), 'metadata.labels[_app]', `invalid key "_app": ${NAME_PART_MSG}`],
      ['a label value has no spaces', manifest(undefined, { labels: { app: 'my app' } }), 'metadata.labels[app]', `invalid value "my app": ${LABEL_VALUE_MSG}`],
      ['a label value is at most 63 characters', manifest(undefined, { labels: { app: 'v'.repeat(64) } }), 'metadata.labels[app]', `invalid value "${'v'.repeat(64)}": must be no more than 63 characters`],
      ['annotation keys are qualified names', manifest(undefined, { annotations: { 'bad key': 'x' } }), 'metadata.annotations[bad key]', `invalid key "bad key": ${NAME_PART_MSG}`],
      ['annotation values must be strings', manifest(undefined, { annotations: { replicas: 3 } }), 'metadata.annotations[replicas]', 'must be a string'],
      ['annotations total at most 256 KiB', manifest(undefined, { annotations: { note: 'x'.repeat(256 * 1024) } }), 'metadata.annotations', 'must have at most 262144 bytes in total (got 262148)'],

      // --- spec
      ['unknown spec fields are rejected (case matters)', manifest({ podselector: {} }), 'spec.podselector', 'unknown field "podselector"'],
      ['podSelector must be a map', withPodSelector('app=web'), 'spec.podSelector', 'must be an object'],
      ['ingress must be a list', manifest({ ingress: { from: [] } }), 'spec.ingress', 'must be a list'],
      ['a null rule is rejected (the API server would read it as allow-all)', manifest({ ingress: [null] }), 'spec.ingress[0]', 'must be an object'],
      ['ingress rules have from, not to', manifest({ ingress: [{ to: [] }] }), 'spec.ingress[0].to', 'unknown field "to"'],
      ['egress rules have to, not from', manifest({ egress: [{ from: [] }] }), 'spec.egress[0].from', 'unknown field "from"'],
      ['rule peers must be a list', manifest({ egress: [{ to: { ipBlock: { cidr: '1.1.1.1/32' } } }] }), 'spec.egress[0].to', 'must be a list'],
      ['rule ports must be a list', manifest({ egress: [{ ports: { port: 443 } }] }), 'spec.egress[0].ports', 'must be a list'],
      ['policyTypes must be a list', manifest({ policyTypes: 'Egress' }), 'spec.policyTypes', 'must be a list'],
      ['policyTypes are case-sensitive', manifest({ policyTypes: ['ingress'] }), 'spec.policyTypes[0]', 'unsupported value "ingress": must be one of "Ingress", "Egress"'],
      ['policyTypes entries are strings', manifest({ policyTypes: [1] }), 'spec.policyTypes[0]', 'must be a string'],
      ['policyTypes may not repeat', manifest({ policyTypes: ['Ingress', 'Ingress'] }), 'spec.policyTypes[1]', 'duplicate value "Ingress"'],

      // --- label selectors
      ['unknown selector fields are rejected', withPodSelector({ matchLabel: { app: 'web' } }), 'spec.podSelector.matchLabel', 'unknown field "matchLabel"'],
      ['matchLabels keys are label keys', withPodSelector({ matchLabels: { '-app': 'web' } }), 'spec.podSelector.matchLabels[-app]', `invalid key "-app": ${NAME_PART_MSG}`],
      ['matchLabels values are label values', withPodSelector({ matchLabels: { app: 'web/1' } }), 'spec.podSelector.matchLabels[app]', `invalid value "web/1": ${LABEL_VALUE_MSG}`],
      ['unquoted true is a boolean, not a label value', withPodSelector({ matchLabels: { ingress: true } }), 'spec.podSelector.matchLabels[ingress]', 'must be a string'],
      ['matchExpressions must be a list', withPodSelector({ matchExpressions: { key: 'app', operator: 'Exists' } }), 'spec.podSelector.matchExpressions', 'must be a list'],
      ['an expression needs a key', withPodSelector({ matchExpressions: [{ operator: 'Exists' }] }), 'spec.podSelector.matchExpressions[0].key', 'is required'],
      ['an expression key is a label key', withPodSelector({ matchExpressions: [{ key: 'a b', operator: 'Exists' }] }), 'spec.podSelector.matchExpressions[0].key', `invalid value "a b": ${NAME_PART_MSG}`],
      ['an expression needs an operator', withPodSelector({ matchExpressions: [{ key: 'app' }] }), 'spec.podSelector.matchExpressions[0].operator', 'is required'],
      ['operators are case-sensitive', withPodSelector({ matchExpressions: [{ key: 'app', operator: 'in', values: ['a'] }] }), 'spec.podSelector.matchExpressions[0].operator', 'unsupported value "in": must be one of "In", "NotIn", "Exists", "DoesNotExist"'],
      ['In needs values', withPodSelector({ matchExpressions: [{ key: 'app', operator: 'In' }] }), 'spec.podSelector.matchExpressions[0].values', 'must be specified and non-empty when operator is In or NotIn'],
      ['NotIn needs at least one value', withPodSelector({ matchExpressions: [{ key: 'app', operator: 'NotIn', values: [] }] }), 'spec.podSelector.matchExpressions[0].values', 'must be specified and non-empty when operator is In or NotIn'],
      ['Exists takes no values', withPodSelector({ matchExpressions: [{ key: 'app', operator: 'Exists', values: ['web'] }] }), 'spec.podSelector.matchExpressions[0].values', 'may not be specified when operator is Exists or DoesNotExist'],
      ['DoesNotExist takes no values', withPodSelector({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist', values: ['web'] }] }), 'spec.podSelector.matchExpressions[0].values', 'may not be specified when operator is Exists or DoesNotExist'],
      ['expression values are label values', withPodSelector({ matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'a b'] }] }), 'spec.podSelector.matchExpressions[0].values[1]', `invalid value "a b": ${LABEL_VALUE_MSG}`],
      ['expression values are strings', withPodSelector({ matchExpressions: [{ key: 'v', operator: 'In', values: [2] }] }), 'spec.podSelector.matchExpressions[0].values[0]', 'must be a string'],
      ['unknown expression fields are rejected', withPodSelector({ matchExpressions: [{ key: 'app', operator: 'Exists', value: 'x' }] }), 'spec.podSelector.matchExpressions[0].value', 'unknown field "value"'],
      ['peer selectors are validated too', withIngressPeers({ namespaceSelector: { matchLabels: { team: 'a b' } } }), 'spec.ingress[0].from[0].namespaceSelector.matchLabels[team]', `invalid value "a b": ${LABEL_VALUE_MSG}`],

      // --- ports
      ['protocol is upper case', withIngressPorts({ protocol: 'tcp', port: 80 }), 'spec.ingress[0].ports[0].protocol', 'unsupported value "tcp": must be one of "TCP", "UDP", "SCTP"'],
      ['ICMP is not a NetworkPolicy protocol', withIngressPorts({ protocol: 'ICMP' }), 'spec.ingress[0].ports[0].protocol', 'unsupported value "ICMP": must be one of "TCP", "UDP", "SCTP"'],
      ['protocol must be a string', withIngressPorts({ protocol: 6, port: 80 }), 'spec.ingress[0].ports[0].protocol', 'must be a string'],
      ['port 0 is not a port', withIngressPorts({ port: 0 }), 'spec.ingress[0].ports[0].port', `invalid value 0: ${PORT_RANGE}`],
      ['port above 65535', withIngressPorts({ port: 65536 }), 'spec.ingress[0].ports[0].port', `invalid value 65536: ${PORT_RANGE}`],
      ['port is an integer', withIngressPorts({ port: 80.5 }), 'spec.ingress[0].ports[0].port', `invalid value 80.5: ${PORT_RANGE}`],
      ['port is a number or a name', withIngressPorts({ port: true }), 'spec.ingress[0].ports[0].port', `${PORT_RANGE} or a named port`],
      ['a quoted number is a (bad) port name', withIngressPorts({ port: '443' }), 'spec.ingress[0].ports[0].port', 'invalid value "443": a named port must contain at least one letter (a-z); write a numeric port without quotes'],
      ['port names are lower case', withIngressPorts({ port: 'HTTP' }), 'spec.ingress[0].ports[0].port', 'invalid value "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
      ['port names are at most 15 characters', withIngressPorts({ port: 'metrics-endpoint' }), 'spec.ingress[0].ports[0].port', 'invalid value "metrics-endpoint": must be no more than 15 characters'],
      ['port names have no double hyphen', withIngressPorts({ port: 'a--b' }), 'spec.ingress[0].ports[0].port', 'invalid value "a--b": must not contain consecutive hyphens'],
      ['port names do not start with a hyphen', withIngressPorts({ port: '-http' }), 'spec.ingress[0].ports[0].port', 'invalid value "-http": must not begin or end with a hyphen'],
      ['port names need a letter', withIngressPorts({ port: '80-81' }), 'spec.ingress[0].ports[0].port', 'invalid value "80-81": must contain at least one letter (a-z)'],
      ['endPort needs a port', withIngressPorts({ endPort: 90 }), 'spec.ingress[0].ports[0].endPort', 'may not be specified when port is not specified'],
      ['endPort needs a numeric port', withIngressPorts({ port: 'http', endPort: 90 }), 'spec.ingress[0].ports[0].endPort', 'may not be specified when port is a named port'],
      ['endPort is not below port', withIngressPorts({ port: 443, endPort: 80 }), 'spec.ingress[0].ports[0].endPort', 'invalid value 80: must be greater than or equal to port (443)'],
      ['endPort is at most 65535', withIngressPorts({ port: 443, endPort: 70000 }), 'spec.ingress[0].ports[0].endPort', `invalid value 70000: ${PORT_RANGE}`],
      ['endPort is a number', withIngressPorts({ port: 8000, endPort: '8080' }), 'spec.ingress[0].ports[0].endPort', PORT_RANGE],
      ['unknown port fields are rejected (Service habits)', withIngressPorts({ port: 80, targetPort: 8080 }), 'spec.ingress[0].ports[0].targetPort', 'unknown field "targetPort"'],
      ['a port entry must be a map', withIngressPorts(80), 'spec.ingress[0].ports[0]', 'must be an object'],

      // --- peers
      ['an empty peer selects nothing: rejected', withIngressPeers({}), 'spec.ingress[0].from[0]', PEER_REQUIRED],
      ['null selectors do not count as peers', withIngressPeers({ podSelector: null }), 'spec.ingress[0].from[0]', PEER_REQUIRED],
      ['ipBlock excludes podSelector', withIngressPeers({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }), 'spec.ingress[0].from[0]', 'may not specify both ipBlock and another peer'],
      ['ipBlock excludes namespaceSelector', withIngressPeers({ ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {} }), 'spec.ingress[0].from[0]', 'may not specify both ipBlock and another peer'],
      ['a peer must be a map', withIngressPeers('10.0.0.0/8'), 'spec.ingress[0].from[0]', 'must be an object'],

      // --- ipBlock
      ['cidr is required', withIpBlock({ except: ['10.0.0.0/16'] }), 'spec.ingress[0].from[0].ipBlock.cidr', 'is required'],
      ['cidr must be a string', withIpBlock({ cidr: 10 }), 'spec.ingress[0].from[0].ipBlock.cidr', 'must be a string'],
      ['a bare address is not a CIDR', withIpBlock({ cidr: '10.0.0.1' }), 'spec.ingress[0].from[0].ipBlock.cidr', `invalid value "10.0.0.1": ${INVALID_CIDR}`],
      ['IPv4 prefix at most 32', withIpBlock({ cidr: '10.0.0.0/33' }), 'spec.ingress[0].from[0].ipBlock.cidr', `invalid value "10.0.0.0/33": ${INVALID_CIDR}`],
      ['octets at most 255', withIpBlock({ cidr: '256.0.0.0/8' }), 'spec.ingress[0].from[0].ipBlock.cidr', `invalid value "256.0.0.0/8": ${INVALID_CIDR}`],
      ['IPv6 prefix at most 128', withIpBlock({ cidr: 'fd00::/129' }), 'spec.ingress[0].from[0].ipBlock.cidr', `invalid value "fd00::/129": ${INVALID_CIDR}`],
      ['IPv6 with two :: is invalid', withIpBlock({ cidr: 'fd00::1::/64' }), 'spec.ingress[0].from[0].ipBlock.cidr', `invalid value "fd00::1::/64": ${INVALID_CIDR}`],
      ['leading zeros are ambiguous (octal?)', withIpBlock({ cidr: '010.0.0.0/8' }), 'spec.ingress[0].from[0].ipBlock.cidr', 'invalid value "010.0.0.0/8": must not have leading 0s in IP or prefix length'],
      ['leading zeros in the prefix too', withIpBlock({ cidr: '10.0.0.0/08' }), 'spec.ingress[0].from[0].ipBlock.cidr', 'invalid value "10.0.0.0/08": must not have leading 0s in IP or prefix length'],
      ['IPv4-mapped IPv6 is ambiguous', withIpBlock({ cidr: '::ffff:10.0.0.0/104' }), 'spec.ingress[0].from[0].ipBlock.cidr', 'invalid value "::ffff:10.0.0.0/104": must not have an IPv4-mapped IPv6 address'],
      ['except must be a list', withIpBlock({ cidr: '10.0.0.0/8', except: '10.1.0.0/16' }), 'spec.ingress[0].from[0].ipBlock.except', 'must be a list'],
      ['except entries are CIDRs', withIpBlock({ cidr: '10.0.0.0/8', except: ['10.1.0.0'] }), 'spec.ingress[0].from[0].ipBlock.except[0]', `invalid value "10.1.0.0": ${INVALID_CIDR}`],
      ['except equal to cidr is not a strict subset', withIpBlock({ cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] }), 'spec.ingress[0].from[0].ipBlock.except[0]', 'invalid value "10.0.0.0/8": must be a strict subset of cidr "10.0.0.0/8"'],
      ['except outside cidr', withIpBlock({ cidr: '10.0.0.0/8', except: ['10.0.0.0/16', '11.0.0.0/16'] }), 'spec.ingress[0].from[0].ipBlock.except[1]', 'invalid value "11.0.0.0/16": must be a strict subset of cidr "10.0.0.0/8"'],
      ['except larger than cidr', withIpBlock({ cidr: '10.0.0.0/8', except: ['10.0.0.0/7'] }), 'spec.ingress[0].from[0].ipBlock.except[0]', 'invalid value "10.0.0.0/7": must be a strict subset of cidr "10.0.0.0/8"'],
      ['except of the other IP family', withIpBlock({ cidr: '0.0.0.0/0', except: ['fd00::/8'] }), 'spec.ingress[0].from[0].ipBlock.except[0]', 'invalid value "fd00::/8": must be the same IP family as cidr "0.0.0.0/0"'],
      ['unknown ipBlock fields are rejected', withIpBlock({ cidr: '10.0.0.0/8', exclude: [] }), 'spec.ingress[0].from[0].ipBlock.exclude', 'unknown field "exclude"'],
    ])('%s', (_reason, value, path, message) => {
      expect(errorsOf(value)).toEqual([{ path, message }]);
    });
  });

  describe('accepts', () => {
    it.each<[string, unknown]>([
      ['a dotted name (names are DNS subdomains)', manifest(undefined, { name: 'allow.dns-egress' })],
      ['a name of exactly 253 characters', manifest(undefined, { name: `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}` })],
      ['empty label values', manifest(undefined, { labels: { 'example.com/flag': '' } })],
      ['upper case and underscores in label names and values', manifest(undefined, { labels: { My_Label: 'My.Value_1' } })],
      ['upper case annotation key prefixes (checked lower-cased upstream)', manifest(undefined, { annotations: { 'Example.COM/Owner': 'Team A, on call' } })],
      ['an empty spec (isolates all pods for ingress)', manifest({})],
      ['a missing podSelector (means {})', manifest({ ingress: [{}] })],
      ['null fields, read as absent like the API server does', manifest({ podSelector: null, ingress: null, egress: null, policyTypes: null })],
      ['empty lists (deny all)', manifest({ podSelector: {}, ingress: [], egress: [], policyTypes: ['Ingress', 'Egress'] })],
      ['an empty rule (allow all)', manifest({ podSelector: {}, ingress: [{}], egress: [{ to: [], ports: [] }] })],
      ['podSelector together with namespaceSelector in one peer', withIngressPeers({ podSelector: { matchLabels: { app: 'a' } }, namespaceSelector: {} })],
      ['Exists and DoesNotExist with an empty values list', withPodSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: [] }, { key: 'b', operator: 'DoesNotExist' }] })],
      ['In and NotIn with values', withPodSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: ['x', ''] }, { key: 'b', operator: 'NotIn', values: ['y'] }] })],
      ['port ranges, endPort equal to port included', withIngressPorts({ port: 32000, endPort: 32768 }, { protocol: 'UDP', port: 53, endPort: 53 })],
      ['named ports', withIngressPorts({ port: 'http' }, { protocol: 'SCTP', port: 'h2c' }, { port: 'grpc-web' }, { port: 'a'.repeat(15) })],
      ['protocol without port (all ports of that protocol)', withIngressPorts({ protocol: 'UDP' })],
      ['a CIDR with host bits, as the API server does', withIpBlock({ cidr: '10.0.0.1/8', except: ['10.1.2.3/16'] })],
      ['the whole IPv4 space with exceptions', withIpBlock({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] })],
      ['IPv6 CIDRs, compressed or not, with embedded IPv4', withIngressPeers({ ipBlock: { cidr: '2001:db8::/32', except: ['2001:0DB8:0:0:0:0:0:0/48'] } }, { ipBlock: { cidr: '::/0' } }, { ipBlock: { cidr: '64:ff9b::10.0.0.0/120' } })],
      ['a /32 and a /128', withIngressPeers({ ipBlock: { cidr: '1.1.1.1/32' } }, { ipBlock: { cidr: 'fd00::1/128' } })],
      ['policyTypes in any order', manifest({ policyTypes: ['Egress', 'Ingress'] })],
    ])('%s', (_reason, value) => {
      expect(errorsOf(value)).toEqual([]);
    });
  });

  it('collects every error of a document, in document order', () => {
    const value = {
      ...manifest({
        podSelector: { matchLabels: { app: 'web app' } },
        ingress: [{ from: [{}], ports: [{ port: 0 }, { protocol: 'tcp' }] }],
        policyTypes: ['Ingres'],
      }),
      metadata: { name: 'Web', namespace: 'shop', colour: 'red' },
    };
    expect(errorsOf(value).map((e) => e.path)).toEqual([
      'metadata.colour',
      'metadata.name',
      'spec.podSelector.matchLabels[app]',
      'spec.ingress[0].from[0]',
      'spec.ingress[0].ports[0].port',
      'spec.ingress[0].ports[1].protocol',
      'spec.policyTypes[0]',
    ]);
  });

  it('checks every label, not only up to the first bad one', () => {
    expect(errorsOf(manifest(undefined, { labels: { a: 1, 'b c': 'x', d: 'e f' } }))).toEqual([
      { path: 'metadata.labels[a]', message: 'must be a string' },
      { path: 'metadata.labels[b c]', message: `invalid key "b c": ${NAME_PART_MSG}` },
      { path: 'metadata.labels[d]', message: `invalid value "e f": ${LABEL_VALUE_MSG}` },
    ]);
  });

  it('reports a misspelt peer field and the then-empty peer', () => {
    expect(errorsOf(withIngressPeers({ namespaceSelctor: {} }))).toEqual([
      { path: 'spec.ingress[0].from[0].namespaceSelctor', message: 'unknown field "namespaceSelctor"' },
      { path: 'spec.ingress[0].from[0]', message: PEER_REQUIRED },
    ]);
  });

  it('reports every problem of a port name, like the API server', () => {
    expect(errorsOf(withIngressPorts({ port: '-Web--' })).map((e) => e.message)).toEqual([
      'invalid value "-Web--": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'invalid value "-Web--": must not contain consecutive hyphens',
      'invalid value "-Web--": must not begin or end with a hyphen',
    ]);
  });

  it('attaches source, document and the line given by lineOf', () => {
    const lineOf = (path: (string | number)[]) => (path.join('.') === 'spec.ingress.0.ports.0.port' ? 21 : undefined);
    const { errors } = validateNetworkPolicy(withIngressPorts({ port: 0 }), { document: 4, source: 'policies.yaml', lineOf });
    expect(errors).toEqual([
      { source: 'policies.yaml', document: 4, line: 21, path: 'spec.ingress[0].ports[0].port', message: `invalid value 0: ${PORT_RANGE}` },
    ]);
  });

  describe('returned policy', () => {
    it('keeps the author’s fields as written, without defaulting', () => {
      const value = manifest(
        { podSelector: {}, ingress: [], egress: [{ to: [], ports: [{ port: 53 }] }] },
        { labels: { team: 'payments' }, annotations: { owner: 'a@b.c' } },
      );
      expect(validateNetworkPolicy(value, ctx)).toEqual({ policy: value, errors: [] });
    });

    it('drops status, server-managed metadata and null fields', () => {
      const live = {
        ...manifest({ podSelector: { matchLabels: null, matchExpressions: [{ key: 'a', operator: 'Exists', values: null }] }, ingress: null }),
        metadata: {
          name: 'web',
          namespace: 'shop',
          uid: '0b6f7d0c-6a47-4bd7-9d54-8c0e1e2a7f10',
          resourceVersion: '4711',
          generation: 3,
          creationTimestamp: '2025-01-01T00:00:00Z',
          managedFields: [{ manager: 'kubectl', operation: 'Update' }],
          ownerReferences: [],
          finalizers: [],
          generateName: 'web-',
          selfLink: '/apis/networking.k8s.io/v1/namespaces/shop/networkpolicies/web',
        },
        status: { conditions: [] },
      };
      expect(validateNetworkPolicy(live, ctx)).toEqual({
        policy: manifest({ podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] } }),
        errors: [],
      });
    });

    it.each<[string, string | undefined, string]>([
      ['kubectl puts namespace-less manifests in "default"', undefined, 'default'],
      ['the caller may choose another default (kubectl -n)', 'payments', 'payments'],
    ])('%s', (_reason, defaultNamespace, expected) => {
      const value = manifest(undefined, { namespace: undefined });
      const result = validateNetworkPolicy(value, { document: 1, ...(defaultNamespace ? { defaultNamespace } : {}) });
      expect(result.policy?.metadata.namespace).toBe(expected);
      expect(validateNetworkPolicy(manifest(undefined, { namespace: '' }), { document: 1 }).policy?.metadata.namespace).toBe('default');
    });

    it('is absent when there is any error', () => {
      expect(validateNetworkPolicy(withIngressPorts({ port: 0 }), ctx).policy).toBeUndefined();
    });
  });
});
