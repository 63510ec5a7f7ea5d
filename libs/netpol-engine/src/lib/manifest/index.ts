export type {
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
  PolicyRef,
  PolicyType,
} from './network-policy.type';
export { policyKey } from './policy-key.util';
export type { ManifestError } from './manifest-error.type';
export { formatManifestError } from './format-manifest-error.util';
export type { ParsedDocument } from './parsed-document.type';
export { parseManifestText } from './parse-manifest-text.util';
export type { ParseManifestTextResult } from './parse-manifest-text.util';
export type { ValidationContext } from './validation-context.type';
export { NETWORK_POLICY_API_VERSION, validateNetworkPolicy } from './validate-network-policy.util';
export type { ValidateNetworkPolicyResult } from './validate-network-policy.util';
export type { ManifestInputOptions } from './manifest-input-options.type';
export { parseNetworkPolicies } from './parse-network-policies.util';
export type { ParseNetworkPoliciesResult } from './parse-network-policies.util';
export type {
  ContainerPort,
  NamespaceManifest,
  ParseManifestsResult,
  PodManifest,
  PolicyLocation,
  SkippedManifest,
  WorkloadKind,
  WorkloadManifest,
} from './inventory-manifest.type';
export { parseManifests } from './parse-manifests.util';
export type { ParseManifestsOptions } from './parse-manifests.util';
export { ManifestRegistry } from './manifest-registry.util';
export type { DocumentLocation } from './document-location.type';
export { canonicalizeNetworkPolicy, hashNetworkPolicy, hashPolicySet } from './canonical-policy.util';
export { canonicalJson } from './canonical-json.util';
export { toYaml } from './policy-to-yaml.util';
export { isStrictSubnet, parseCidr } from './parse-cidr.util';
export { dns1123LabelErrors, labelValueErrors, qualifiedNameErrors } from './kubernetes-names.util';
export type { ParseCidrResult, ParsedCidr } from './parse-cidr.util';
