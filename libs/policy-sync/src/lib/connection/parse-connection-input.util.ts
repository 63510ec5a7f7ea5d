import { X509Certificate } from 'node:crypto';

import { KubeConfig } from '@kubernetes/client-node';
import type { ErrorDetail } from '@palisade/shared-types';
import { parse as parseYaml } from 'yaml';

import { PolicySyncErrorCode, PolicySyncException } from '../policy-sync.exception';
import type { ClusterCredentials } from './cluster-credentials.type';

/** A connection as submitted: a kubeconfig with one context, or its three essentials. */
export type ConnectionInput = { kubeconfig: string } | { server: string; caData?: string; token: string };

// Kubeconfig fields that would make the service read its own files, run programs, talk through a
// proxy or skip TLS verification on a caller's behalf.
const FORBIDDEN_CLUSTER_FIELDS: Record<string, string> = {
  'certificate-authority': 'file paths are not accepted; use certificate-authority-data',
  'insecure-skip-tls-verify': 'TLS verification cannot be turned off; give certificate-authority-data',
  'proxy-url': 'proxies are not supported',
};
const FORBIDDEN_USER_FIELDS: Record<string, string> = {
  'client-certificate': 'file paths are not accepted; use client-certificate-data',
  'client-key': 'file paths are not accepted; use client-key-data',
  'token-file': 'file paths are not accepted; use token',
  tokenFile: 'file paths are not accepted; use token',
  exec: 'exec credential plugins are not run by the service; use a token or a client certificate',
  'auth-provider': 'auth provider plugins are not supported; use a token or a client certificate',
  username: 'basic authentication is not supported; use a token or a client certificate',
  password: 'basic authentication is not supported; use a token or a client certificate',
  as: 'impersonation is not supported',
  'as-groups': 'impersonation is not supported',
  'as-user-extra': 'impersonation is not supported',
};

function invalid(details: ErrorDetail[]): PolicySyncException {
  return new PolicySyncException(
    PolicySyncErrorCode.CONNECTION_INVALID,
    `invalid connection: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
    details,
  );
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function checkServer(server: unknown, path: string, problems: ErrorDetail[]): void {
  if (typeof server !== 'string' || server.trim() === '') {
    problems.push({ path, message: 'is required (https://host:port of the API server)' });
    return;
  }
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    problems.push({ path, message: `"${server}" is not a URL` });
    return;
  }
  if (url.protocol !== 'https:') problems.push({ path, message: 'must be an https:// URL' });
  if (url.username || url.password || url.search || url.hash) problems.push({ path, message: 'must not carry credentials, a query or a fragment' });
}

/** Base64 PEM (or raw PEM, re-encoded) of a certificate; null when not one. */
function normaliseCertificate(data: string): string | null {
  const pem = data.includes('-----BEGIN') ? data : Buffer.from(data, 'base64').toString('utf8');
  try {
    new X509Certificate(pem);
  } catch {
    return null;
  }
  return Buffer.from(pem).toString('base64');
}

function checkToken(token: unknown, path: string, problems: ErrorDetail[]): void {
  if (typeof token !== 'string' || token.trim() === '') problems.push({ path, message: 'is required' });
  else if (/\s/.test(token.trim())) problems.push({ path, message: 'must not contain whitespace' });
}

function fromParts(input: { server: string; caData?: string; token: string }): ClusterCredentials {
  const problems: ErrorDetail[] = [];
  checkServer(input.server, 'server', problems);
  checkToken(input.token, 'token', problems);
  let caData: string | undefined;
  if (input.caData !== undefined && input.caData !== null && input.caData !== '') {
    caData = typeof input.caData === 'string' ? (normaliseCertificate(input.caData) ?? undefined) : undefined;
    if (!caData) problems.push({ path: 'caData', message: 'must be a PEM certificate (raw or base64)' });
  }
  if (problems.length > 0) throw invalid(problems);
  return { server: input.server.trim().replace(/\/$/, ''), token: input.token.trim(), ...(caData ? { caData } : {}) };
}

function fromKubeconfig(text: string): ClusterCredentials {
  let doc: unknown;
  try {
    // Merge keys resolved (`<<: {exec: ...}`), as client-node's parser would, so the checks below see every field.
    doc = parseYaml(text, { merge: true });
  } catch (error) {
    throw invalid([{ path: 'kubeconfig', message: `is not valid YAML: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  if (!isRecord(doc)) throw invalid([{ path: 'kubeconfig', message: 'must be a kubeconfig document (kind: Config)' }]);
  const contexts = Array.isArray(doc['contexts']) ? doc['contexts'] : [];
  if (contexts.length !== 1) {
    const names = contexts.map((c) => (isRecord(c) ? String(c['name']) : '?')).join(', ');
    throw invalid([{ path: 'kubeconfig.contexts', message: `must hold exactly one context (found ${contexts.length}${names ? `: ${names}` : ''})` }]);
  }
  const problems: ErrorDetail[] = [];
  (Array.isArray(doc['clusters']) ? doc['clusters'] : []).forEach((entry, i) => {
    const cluster = isRecord(entry) && isRecord(entry['cluster']) ? entry['cluster'] : {};
    for (const [field, why] of Object.entries(FORBIDDEN_CLUSTER_FIELDS)) {
      if (cluster[field] !== undefined && cluster[field] !== false) problems.push({ path: `kubeconfig.clusters[${i}].cluster.${field}`, message: why });
    }
  });
  (Array.isArray(doc['users']) ? doc['users'] : []).forEach((entry, i) => {
    const user = isRecord(entry) && isRecord(entry['user']) ? entry['user'] : {};
    for (const [field, why] of Object.entries(FORBIDDEN_USER_FIELDS)) {
      if (user[field] !== undefined) problems.push({ path: `kubeconfig.users[${i}].user.${field}`, message: why });
    }
  });
  if (problems.length > 0) throw invalid(problems);

  // Only now, with file and plugin fields refused, is the document handed to client-node: as the JSON
  // of what was checked, never the text, so no difference between two YAML parsers can smuggle a field in.
  const kc = new KubeConfig();
  try {
    kc.loadFromString(JSON.stringify(doc));
  } catch (error) {
    throw invalid([{ path: 'kubeconfig', message: error instanceof Error ? error.message : String(error) }]);
  }
  const [context] = kc.getContexts();
  if (!context) throw invalid([{ path: 'kubeconfig.contexts', message: 'must hold exactly one context' }]);
  kc.setCurrentContext(context.name);
  const cluster = kc.getCluster(context.cluster);
  const user = kc.getUser(context.user);
  if (!cluster) throw invalid([{ path: 'kubeconfig.contexts[0].context.cluster', message: `names cluster "${context.cluster}", which is not in clusters` }]);
  if (!user) throw invalid([{ path: 'kubeconfig.contexts[0].context.user', message: `names user "${context.user}", which is not in users` }]);

  checkServer(cluster.server, 'kubeconfig.clusters[].cluster.server', problems);
  let caData: string | undefined;
  if (cluster.caData) {
    caData = normaliseCertificate(cluster.caData) ?? undefined;
    if (!caData) problems.push({ path: 'kubeconfig.clusters[].cluster.certificate-authority-data', message: 'must be a base64 PEM certificate' });
  }
  const hasCert = Boolean(user.certData) || Boolean(user.keyData);
  if (hasCert && !(user.certData && user.keyData)) {
    problems.push({ path: 'kubeconfig.users[].user', message: 'client-certificate-data and client-key-data go together' });
  }
  if (user.token) checkToken(user.token, 'kubeconfig.users[].user.token', problems);
  if (!user.token && !hasCert) {
    problems.push({ path: 'kubeconfig.users[].user', message: 'needs a token or client-certificate-data with client-key-data' });
  }
  if (problems.length > 0) throw invalid(problems);
  return {
    server: cluster.server,
    ...(caData ? { caData } : {}),
    ...(cluster.tlsServerName ? { tlsServerName: cluster.tlsServerName } : {}),
    ...(user.token ? { token: user.token.trim() } : {}),
    ...(user.certData && user.keyData ? { clientCertData: user.certData, clientKeyData: user.keyData } : {}),
  };
}

/**
 * Credentials from a submitted connection.
 * @throws PolicySyncException CONNECTION_INVALID naming every problem.
 */
export function parseConnectionInput(input: unknown): ClusterCredentials {
  if (!isRecord(input)) throw invalid([{ path: '', message: 'must be {kubeconfig} or {server, caData, token}' }]);
  const hasKubeconfig = input['kubeconfig'] !== undefined && input['kubeconfig'] !== null;
  const hasParts = ['server', 'caData', 'token'].some((key) => input[key] !== undefined && input[key] !== null);
  if (hasKubeconfig === hasParts) {
    throw invalid([{ path: '', message: 'give either kubeconfig, or server and token (with caData), not both or neither' }]);
  }
  if (hasKubeconfig) {
    if (typeof input['kubeconfig'] !== 'string') throw invalid([{ path: 'kubeconfig', message: 'must be the kubeconfig YAML as a string' }]);
    return fromKubeconfig(input['kubeconfig']);
  }
  return fromParts(input as { server: string; caData?: string; token: string });
}
