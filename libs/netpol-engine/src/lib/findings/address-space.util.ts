import type { CidrEndpoint } from '../analysis/model.type';
import { type AddressSet, ipBlockAddresses, renderAddressSet, subtractAddressSets, unionAddressSets } from './analysis-primitives.util';

/**
 * Address space that is not the internet: RFC 1918, shared address space (RFC 6598, often pod
 * or node networks), loopback, link-local (cloud metadata lives there), IPv6 ULA and link-local.
 */
export const PRIVATE_ADDRESS_RANGES: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '::1/128',
  'fc00::/7',
  'fe80::/10',
];

/** The private address set, plus extra CIDRs a caller counts as private. */
export function privateAddressSet(extra: readonly string[] = []): AddressSet {
  let set: AddressSet = [];
  for (const cidr of [...PRIVATE_ADDRESS_RANGES, ...extra]) set = unionAddressSets(set, ipBlockAddresses({ cidr }));
  return set;
}

/**
 * The part of an address set outside private space, as text (`1.1.1.1/32`, `0.0.0.0/0 except 10.0.0.0/8, …`),
 * or undefined when every address is private.
 */
export function publicPart(addresses: AddressSet, privateSet: AddressSet): string | undefined {
  const rest = subtractAddressSets(addresses, privateSet);
  if (rest.length === 0) return undefined;
  return describeAddresses(rest);
}

export function describeAddresses(addresses: AddressSet): string {
  return renderAddressSet(addresses)
    .map((g) => (g.except && g.except.length > 0 ? `${g.cidr} except ${g.except.join(', ')}` : g.cidr))
    .join(', ');
}

export function endpointAddresses(endpoint: CidrEndpoint): AddressSet {
  return ipBlockAddresses({ cidr: endpoint.cidr, ...(endpoint.except ? { except: endpoint.except } : {}) });
}

/** Whether an ipBlock's CIDR is a whole address family (`0.0.0.0/0`, `::/0`), with or without `except`. */
export function isWholeFamily(cidr: string): boolean {
  return /\/0+$/.test(cidr.trim());
}
