import { FieldPath } from './field-path.util';
import {
  dns1123LabelErrors,
  dns1123SubdomainErrors,
  labelValueErrors,
  portNameErrors,
  qualifiedNameErrors,
} from './kubernetes-names.util';
import { isPresent, ManifestChecker } from './manifest-checker.util';
import type { ManifestError } from './manifest-error.type';
import type {
  IPBlock,
  LabelSelector,
  LabelSelectorOperator,
  LabelSelectorRequirement,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyMetadata,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyProtocol,
  NetworkPolicySpec,
  PolicyType,
} from './network-policy.type';
import { isStrictSubnet, parseCidr } from './parse-cidr.util';
import type { ParsedCidr } from './parse-cidr.util';
import type { ValidationContext } from './validation-context.type';

export interface ValidateNetworkPolicyResult {
  /** Present only when there are no errors. */
  policy?: NetworkPolicy;
  errors: ManifestError[];
}

export const NETWORK_POLICY_API_VERSION = 'networking.k8s.io/v1';
const KIND = 'NetworkPolicy';
const DEFAULT_NAMESPACE = 'default';

const TOP_LEVEL_FIELDS = ['apiVersion', 'kind', 'metadata', 'spec'];
const DROPPED_TOP_LEVEL_FIELDS = ['status'];
const METADATA_FIELDS = ['name', 'namespace', 'labels', 'annotations'];
// Set by the API server: found in `kubectl get -o yaml` output, meaningless for change control.
const DROPPED_METADATA_FIELDS = [
  'creationTimestamp',
  'deletionGracePeriodSeconds',
  'deletionTimestamp',
  'finalizers',
  'generateName',
  'generation',
  'managedFields',
  'ownerReferences',
  'resourceVersion',
  'selfLink',
  'uid',
];
const SPEC_FIELDS = ['podSelector', 'ingress', 'egress', 'policyTypes'];
const PEER_FIELDS = ['podSelector', 'namespaceSelector', 'ipBlock'];
const PORT_FIELDS = ['protocol', 'port', 'endPort'];
const SELECTOR_FIELDS = ['matchLabels', 'matchExpressions'];
const REQUIREMENT_FIELDS = ['key', 'operator', 'values'];
const IP_BLOCK_FIELDS = ['cidr', 'except'];

const PROTOCOLS: readonly NetworkPolicyProtocol[] = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES: readonly PolicyType[] = ['Ingress', 'Egress'];
const OPERATORS: readonly LabelSelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];
const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024; // bytes, as the API server
const PORT_RANGE = 'must be an integer between 1 and 65535';

/**
 * Validates one manifest as a `networking.k8s.io/v1` NetworkPolicy with the API server's rules
 * (plus: unknown fields are rejected, `spec` is required, list items may not be null, and
 * `policyTypes` may not repeat). All errors are collected; nothing is thrown. On success the
 * policy is returned in the typed shape: author's fields kept, server-managed metadata and
 * `status` dropped, no defaulting except a missing namespace (like kubectl).
 *
 * @example
 * validateNetworkPolicy(
 *   { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny' }, spec: { podSelector: {} } },
 *   { document: 1 },
 * ) // { policy: { ..., metadata: { name: 'deny', namespace: 'default' } }, errors: [] }
 */
export function validateNetworkPolicy(value: unknown, ctx: ValidationContext): ValidateNetworkPolicyResult {
  const c = new ManifestChecker(ctx);
  const root = FieldPath.root();
  const obj = c.object(value, root, TOP_LEVEL_FIELDS, DROPPED_TOP_LEVEL_FIELDS);
  if (!obj) return { errors: c.errors };

  const apiVersion = c.requiredString(obj['apiVersion'], root.child('apiVersion'));
  if (apiVersion !== undefined && apiVersion !== NETWORK_POLICY_API_VERSION) {
    c.unsupported(root.child('apiVersion'), apiVersion, [NETWORK_POLICY_API_VERSION]);
  }
  const kind = c.requiredString(obj['kind'], root.child('kind'));
  if (kind !== undefined && kind !== KIND) c.unsupported(root.child('kind'), kind, [KIND]);

  let metadata: NetworkPolicyMetadata | undefined;
  if (isPresent(obj['metadata'])) {
    metadata = validateMetadata(c, obj['metadata'], root.child('metadata'), ctx.defaultNamespace ?? DEFAULT_NAMESPACE);
  } else {
    c.add(root.child('metadata'), 'is required');
  }
  // The API server would accept a missing spec as "isolate every pod for ingress"; in a reviewed
  // change that is far more likely a mistake (e.g. bad indentation) than intent.
  let spec: NetworkPolicySpec | undefined;
  if (isPresent(obj['spec'])) spec = validateSpec(c, obj['spec'], root.child('spec'));
  else c.add(root.child('spec'), 'is required');

  if (c.errors.length > 0 || !metadata || !spec) return { errors: c.errors };
  return { policy: { apiVersion: NETWORK_POLICY_API_VERSION, kind: KIND, metadata, spec }, errors: [] };
}

function validateMetadata(c: ManifestChecker, value: unknown, path: FieldPath, defaultNamespace: string): NetworkPolicyMetadata | undefined {
  const m = c.object(value, path, METADATA_FIELDS, DROPPED_METADATA_FIELDS);
  if (!m) return undefined;

  const name = c.requiredString(m['name'], path.child('name'));
  if (name !== undefined) for (const msg of dns1123SubdomainErrors(name)) c.invalid(path.child('name'), name, msg);

  let namespace: string | undefined = defaultNamespace;
  if (isPresent(m['namespace']) && m['namespace'] !== '') {
    namespace = c.string(m['namespace'], path.child('namespace'));
    if (namespace !== undefined) for (const msg of dns1123LabelErrors(namespace)) c.invalid(path.child('namespace'), namespace, msg);
  }

  const labels = isPresent(m['labels']) ? validateLabels(c, m['labels'], path.child('labels')) : undefined;
  const annotations = isPresent(m['annotations']) ? validateAnnotations(c, m['annotations'], path.child('annotations')) : undefined;

  if (name === undefined || namespace === undefined) return undefined;
  return { name, namespace, ...(labels ? { labels } : {}), ...(annotations ? { annotations } : {}) };
}

/** Labels and `matchLabels`: qualified-name keys, label values. */
function validateLabels(c: ManifestChecker, value: unknown, path: FieldPath): Record<string, string> | undefined {
  const map = c.record(value, path);
  if (!map) return undefined;
  const before = c.errors.length;
  for (const [k, v] of Object.entries(map)) {
    for (const msg of qualifiedNameErrors(k)) c.add(path.key(k), `invalid key ${JSON.stringify(k)}: ${msg}`);
    const text = c.string(v, path.key(k));
    if (text !== undefined) for (const msg of labelValueErrors(text)) c.invalid(path.key(k), text, msg);
  }
  return c.errors.length === before ? { ...(map as Record<string, string>) } : undefined;
}

function validateAnnotations(c: ManifestChecker, value: unknown, path: FieldPath): Record<string, string> | undefined {
  const map = c.record(value, path);
  if (!map) return undefined;
  const before = c.errors.length;
  let size = 0;
  for (const [k, v] of Object.entries(map)) {
    // Upstream checks the lower-cased key: annotation keys may use upper case.
    for (const msg of qualifiedNameErrors(k.toLowerCase())) c.add(path.key(k), `invalid key ${JSON.stringify(k)}: ${msg}`);
    const text = c.string(v, path.key(k));
    size += Buffer.byteLength(k) + (text === undefined ? 0 : Buffer.byteLength(text));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) c.add(path, `must have at most ${TOTAL_ANNOTATION_SIZE_LIMIT} bytes in total (got ${size})`);
  return c.errors.length === before ? { ...(map as Record<string, string>) } : undefined;
}

function validateSpec(c: ManifestChecker, value: unknown, path: FieldPath): NetworkPolicySpec | undefined {
  const s = c.object(value, path, SPEC_FIELDS);
  if (!s) return undefined;
  const spec: NetworkPolicySpec = {};
  if (isPresent(s['podSelector'])) {
    const podSelector = validateSelector(c, s['podSelector'], path.child('podSelector'));
    if (podSelector) spec.podSelector = podSelector;
  }
  if (isPresent(s['ingress'])) {
    const ingress = c.listOf(s['ingress'], path.child('ingress'), (v, p): NetworkPolicyIngressRule | undefined => {
      const rule = validateRule(c, v, p, 'from');
      return rule && { ...(rule.peers ? { from: rule.peers } : {}), ...(rule.ports ? { ports: rule.ports } : {}) };
    });
    if (ingress) spec.ingress = ingress;
  }
  if (isPresent(s['egress'])) {
    const egress = c.listOf(s['egress'], path.child('egress'), (v, p): NetworkPolicyEgressRule | undefined => {
      const rule = validateRule(c, v, p, 'to');
      return rule && { ...(rule.peers ? { to: rule.peers } : {}), ...(rule.ports ? { ports: rule.ports } : {}) };
    });
    if (egress) spec.egress = egress;
  }
  if (isPresent(s['policyTypes'])) {
    const policyTypes = validatePolicyTypes(c, s['policyTypes'], path.child('policyTypes'));
    if (policyTypes) spec.policyTypes = policyTypes;
  }
  return spec;
}

function validatePolicyTypes(c: ManifestChecker, value: unknown, path: FieldPath): PolicyType[] | undefined {
  const seen = new Set<string>();
  return c.listOf(value, path, (v, p) => {
    const type = c.string(v, p);
    if (type === undefined) return undefined;
    if (!(POLICY_TYPES as readonly string[]).includes(type)) {
      c.unsupported(p, type, POLICY_TYPES);
      return undefined;
    }
    // The API server only caps the list at two entries; a repeat is always a typo for the other type.
    if (seen.has(type)) {
      c.add(p, `duplicate value ${JSON.stringify(type)}`);
      return undefined;
    }
    seen.add(type);
    return type as PolicyType;
  });
}

function validateRule(
  c: ManifestChecker,
  value: unknown,
  path: FieldPath,
  peersField: 'from' | 'to',
): { peers?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] } | undefined {
  const r = c.object(value, path, [peersField, 'ports']);
  if (!r) return undefined;
  const peers = isPresent(r[peersField]) ? c.listOf(r[peersField], path.child(peersField), (v, p) => validatePeer(c, v, p)) : undefined;
  const ports = isPresent(r['ports']) ? c.listOf(r['ports'], path.child('ports'), (v, p) => validatePort(c, v, p)) : undefined;
  return { ...(peers ? { peers } : {}), ...(ports ? { ports } : {}) };
}

function validatePeer(c: ManifestChecker, value: unknown, path: FieldPath): NetworkPolicyPeer | undefined {
  const p = c.object(value, path, PEER_FIELDS);
  if (!p) return undefined;
  const peer: NetworkPolicyPeer = {};
  if (isPresent(p['podSelector'])) {
    const podSelector = validateSelector(c, p['podSelector'], path.child('podSelector'));
    if (podSelector) peer.podSelector = podSelector;
  }
  if (isPresent(p['namespaceSelector'])) {
    const namespaceSelector = validateSelector(c, p['namespaceSelector'], path.child('namespaceSelector'));
    if (namespaceSelector) peer.namespaceSelector = namespaceSelector;
  }
  if (isPresent(p['ipBlock'])) {
    const ipBlock = validateIPBlock(c, p['ipBlock'], path.child('ipBlock'));
    if (ipBlock) peer.ipBlock = ipBlock;
  }
  const kinds = PEER_FIELDS.filter((f) => isPresent(p[f])).length;
  if (kinds === 0) c.add(path, 'must specify at least one of podSelector, namespaceSelector or ipBlock');
  else if (kinds > 1 && isPresent(p['ipBlock'])) c.add(path, 'may not specify both ipBlock and another peer');
  return peer;
}

function validateSelector(c: ManifestChecker, value: unknown, path: FieldPath): LabelSelector | undefined {
  const s = c.object(value, path, SELECTOR_FIELDS);
  if (!s) return undefined;
  const selector: LabelSelector = {};
  if (isPresent(s['matchLabels'])) {
    const matchLabels = validateLabels(c, s['matchLabels'], path.child('matchLabels'));
    if (matchLabels) selector.matchLabels = matchLabels;
  }
  if (isPresent(s['matchExpressions'])) {
    const matchExpressions = c.listOf(s['matchExpressions'], path.child('matchExpressions'), (v, p) => validateRequirement(c, v, p));
    if (matchExpressions) selector.matchExpressions = matchExpressions;
  }
  return selector;
}

function validateRequirement(c: ManifestChecker, value: unknown, path: FieldPath): LabelSelectorRequirement | undefined {
  const r = c.object(value, path, REQUIREMENT_FIELDS);
  if (!r) return undefined;
  const key = c.requiredString(r['key'], path.child('key'));
  if (key !== undefined) for (const msg of qualifiedNameErrors(key)) c.invalid(path.child('key'), key, msg);

  const operator = c.requiredString(r['operator'], path.child('operator'));
  if (operator !== undefined && !(OPERATORS as readonly string[]).includes(operator)) c.unsupported(path.child('operator'), operator, OPERATORS);

  const valuesPath = path.child('values');
  const values = isPresent(r['values'])
    ? c.listOf(r['values'], valuesPath, (v, p) => {
        const s = c.string(v, p);
        if (s !== undefined) for (const msg of labelValueErrors(s)) c.invalid(p, s, msg);
        return s;
      })
    : undefined;
  const count = Array.isArray(r['values']) ? r['values'].length : 0;
  if ((operator === 'In' || operator === 'NotIn') && count === 0) {
    c.add(valuesPath, 'must be specified and non-empty when operator is In or NotIn');
  }
  if ((operator === 'Exists' || operator === 'DoesNotExist') && count > 0) {
    c.add(valuesPath, 'may not be specified when operator is Exists or DoesNotExist');
  }
  if (key === undefined || operator === undefined) return undefined;
  return { key, operator: operator as LabelSelectorOperator, ...(values ? { values } : {}) };
}

function validatePort(c: ManifestChecker, value: unknown, path: FieldPath): NetworkPolicyPort | undefined {
  const p = c.object(value, path, PORT_FIELDS);
  if (!p) return undefined;
  const out: NetworkPolicyPort = {};

  if (isPresent(p['protocol'])) {
    const protocol = c.string(p['protocol'], path.child('protocol'));
    if (protocol !== undefined && !(PROTOCOLS as readonly string[]).includes(protocol)) c.unsupported(path.child('protocol'), protocol, PROTOCOLS);
    else if (protocol !== undefined) out.protocol = protocol as NetworkPolicyProtocol;
  }

  const port = p['port'];
  const portPath = path.child('port');
  if (typeof port === 'string') {
    for (const msg of portNameErrors(port)) c.invalid(portPath, port, msg);
    out.port = port;
  } else if (isPresent(port)) {
    if (typeof port === 'number') {
      const n = c.integer(port, portPath, 1, 65535, PORT_RANGE);
      if (n !== undefined) out.port = n;
    } else {
      c.add(portPath, `${PORT_RANGE} or a named port`);
    }
  }

  if (isPresent(p['endPort'])) {
    const endPortPath = path.child('endPort');
    const endPort = c.integer(p['endPort'], endPortPath, 1, 65535, PORT_RANGE);
    if (!isPresent(port)) c.add(endPortPath, 'may not be specified when port is not specified');
    else if (typeof port === 'string') c.add(endPortPath, 'may not be specified when port is a named port');
    else if (endPort !== undefined && typeof port === 'number' && endPort < port) {
      c.invalid(endPortPath, endPort, `must be greater than or equal to port (${port})`);
    }
    if (endPort !== undefined) out.endPort = endPort;
  }
  return out;
}

function validateIPBlock(c: ManifestChecker, value: unknown, path: FieldPath): IPBlock | undefined {
  const b = c.object(value, path, IP_BLOCK_FIELDS);
  if (!b) return undefined;
  const cidrPath = path.child('cidr');
  const cidr = c.requiredString(b['cidr'], cidrPath);
  let outer: ParsedCidr | undefined;
  if (cidr !== undefined) {
    const parsed = parseCidr(cidr);
    if (parsed.ok) outer = parsed.cidr;
    else c.invalid(cidrPath, cidr, parsed.reason);
  }
  const except = isPresent(b['except'])
    ? c.listOf(b['except'], path.child('except'), (v, p) => {
        const text = c.string(v, p);
        if (text === undefined) return undefined;
        const parsed = parseCidr(text);
        if (!parsed.ok) c.invalid(p, text, parsed.reason);
        else if (outer && parsed.cidr.family !== outer.family) c.invalid(p, text, `must be the same IP family as cidr ${JSON.stringify(cidr)}`);
        else if (outer && !isStrictSubnet(parsed.cidr, outer)) c.invalid(p, text, `must be a strict subset of cidr ${JSON.stringify(cidr)}`);
        return text;
      })
    : undefined;
  if (cidr === undefined) return undefined;
  return { cidr, ...(except ? { except } : {}) };
}
