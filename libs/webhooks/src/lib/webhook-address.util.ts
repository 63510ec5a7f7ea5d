import { BlockList } from 'node:net';

import { addressIn, isLoopbackOrLinkLocal, LOCAL_OR_METADATA_NAMES } from '@palisade/shared-types';

/** Private and reserved space a webhook may not reach either (clusters, unlike webhooks, live in private space). */
const privateOrReserved = new BlockList();
for (const [network, prefix] of [
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3], // multicast and reserved
] as const) privateOrReserved.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['fc00::', 7], // unique local
  ['ff00::', 8], // multicast
] as const) privateOrReserved.addSubnet(network, prefix, 'ipv6');

/** Whether `address` (an IP literal) is loopback, private, link-local, metadata or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  return isLoopbackOrLinkLocal(address) || addressIn(privateOrReserved, address);
}

/**
 * Why `url` cannot be a webhook URL, or null when it can: http(s) only, no credentials, and (unless
 * private addresses are allowed) no loopback, private, link-local or metadata host. Names are
 * resolved again at delivery time, where private answers are refused too.
 */
export function webhookUrlProblem(url: string, allowPrivateAddresses: boolean): string | null {
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(url)) return 'url must not contain control characters';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'url must be an absolute http or https URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'url must use http or https';
  if (parsed.username || parsed.password) return 'url must not carry credentials';
  if (allowPrivateAddresses) return null;
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (LOCAL_OR_METADATA_NAMES.test(host) || isPrivateAddress(host)) {
    return `url host ${host} is a loopback, private, link-local or metadata address (set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true to allow)`;
  }
  return null;
}
