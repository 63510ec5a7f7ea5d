import { isIP } from 'node:net';

import type { EndpointMatch, NetworkProtocol } from '@palisade/persistence';
import { CommonErrorCode, DomainException, type ErrorDetail, isDns1123Label } from '@palisade/shared-types';

const PROTOCOLS: readonly NetworkProtocol[] = ['TCP', 'UDP', 'SCTP'];
/** A DNS-1123 subdomain: what Kubernetes allows as a workload's name. */
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** `namespace/name`, optionally with the kind as the engine prints it: `default/myapp[Deployment]`. */
const WORKLOAD = /^([^/]+)\/([^/[\]]+)(?:\[([A-Za-z][A-Za-z0-9]*)\])?$/;

/** The filters both connection queries take, as they arrive from REST (text) or GraphQL (typed). */
export interface ConnectionFilterInput {
  cluster?: string | null;
  from?: string | null;
  to?: string | null;
  port?: string | number | null;
  protocol?: string | null;
}

export interface ParsedConnectionFilter {
  cluster: string | undefined;
  from: EndpointMatch | undefined;
  to: EndpointMatch | undefined;
  port: number | undefined;
  protocol: NetworkProtocol | undefined;
}

const blank = (value: string | number | null | undefined): boolean => value === undefined || value === null || value === '';

/**
 * Reads a `from`/`to` filter: an IP address (matching the address ranges that contain it), a CIDR
 * (ranges that contain all of it), `namespace/workload` (optionally `[Kind]`) or a namespace.
 * Returns null when it is none of these.
 *
 * @example parseEndpointQuery('1.1.1.1') // { kind: 'address', cidr: '1.1.1.1/32' }
 * @example parseEndpointQuery('default/myapp') // { kind: 'workload', namespace: 'default', name: 'myapp' }
 */
export function parseEndpointQuery(value: string): EndpointMatch | null {
  const family = isIP(value);
  if (family !== 0) return value.includes('%') ? null : { kind: 'address', cidr: `${value}/${family === 4 ? 32 : 128}` };
  const slash = value.indexOf('/');
  if (slash > 0) {
    const address = value.slice(0, slash);
    const prefix = value.slice(slash + 1);
    const addressFamily = isIP(address);
    if (addressFamily !== 0) {
      if (address.includes('%') || !/^\d{1,3}$/.test(prefix) || Number(prefix) > (addressFamily === 4 ? 32 : 128)) return null;
      return { kind: 'address', cidr: `${address}/${Number(prefix)}` };
    }
  }
  const workload = WORKLOAD.exec(value);
  if (workload) {
    const [, namespace, name, workloadKind] = workload as unknown as [string, string, string, string | undefined];
    if (!isDns1123Label(namespace) || !DNS1123_SUBDOMAIN.test(name)) return null;
    return workloadKind === undefined ? { kind: 'workload', namespace, name } : { kind: 'workload', namespace, name, workloadKind };
  }
  return isDns1123Label(value) ? { kind: 'namespace', namespace: value } : null;
}

/** Validates the shared filters, adding a problem per bad parameter (named by its path). */
export function parseConnectionFilter(input: ConnectionFilterInput, problems: ErrorDetail[]): ParsedConnectionFilter {
  const endpoint = (name: 'from' | 'to', value: string | null | undefined): EndpointMatch | undefined => {
    if (blank(value)) return undefined;
    const match = parseEndpointQuery(String(value).trim());
    if (match === null) problems.push({ path: name, message: `${name} must be a namespace, namespace/workload, an IP address or a CIDR` });
    return match ?? undefined;
  };
  const from = endpoint('from', input.from);
  const to = endpoint('to', input.to);
  let port: number | undefined;
  if (!blank(input.port)) {
    const text = String(input.port).trim();
    port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
    if (!(port >= 1 && port <= 65535)) {
      problems.push({ path: 'port', message: 'port must be an integer between 1 and 65535' });
      port = undefined;
    }
  }
  let protocol: NetworkProtocol | undefined;
  if (!blank(input.protocol)) {
    const upper = String(input.protocol).trim().toUpperCase();
    if ((PROTOCOLS as readonly string[]).includes(upper)) protocol = upper as NetworkProtocol;
    else problems.push({ path: 'protocol', message: 'protocol must be one of TCP, UDP, SCTP' });
  }
  return {
    cluster: blank(input.cluster) ? undefined : String(input.cluster),
    from,
    to,
    port,
    protocol,
  };
}

/** Validates `limit`: an integer in 1..500. */
export function checkLimit(limit: number, problems: ErrorDetail[]): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) problems.push({ path: 'limit', message: 'limit must be an integer between 1 and 500' });
}

/** @throws DomainException VALIDATION_FAILED naming every bad parameter. */
export function throwIfProblems(problems: readonly ErrorDetail[]): void {
  if (problems.length > 0) {
    throw new DomainException(CommonErrorCode.VALIDATION_FAILED, problems.map((p) => `${p.path}: ${p.message}`).join('; '), [...problems]);
  }
}
