/** Options shared by parseNetworkPolicies and parseManifests. */
export interface ManifestInputOptions {
  /** File name reported in errors. */
  source?: string;
  /** Namespace for manifests without one; default `'default'` (kubectl's default context namespace). */
  defaultNamespace?: string;
}
