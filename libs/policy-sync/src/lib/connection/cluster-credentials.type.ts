/**
 * What it takes to call a cluster's API server. Stored only encrypted (ConnectionCipher) and never
 * returned by any API. File paths, exec plugins and auth providers are refused on input: a server
 * process must not read its own files or run programs on a caller's behalf.
 */
export interface ClusterCredentials {
  /** https URL of the API server. */
  server: string;
  /** PEM of the CA that signs the server's certificate, base64 (as in a kubeconfig); the system CAs when absent. */
  caData?: string;
  /** Name to verify the server's certificate against, when it differs from the URL's host. */
  tlsServerName?: string;
  /** Bearer token. */
  token?: string;
  /** Client certificate and key (PEM, base64), for certificate authentication. */
  clientCertData?: string;
  clientKeyData?: string;
}
