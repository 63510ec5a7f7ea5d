import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a cluster's API server may not have unless loopback addresses are allowed: the service's
 * own machine (loopback, "this" network, unspecified), link-local networks and cloud metadata
 * endpoints. Private ranges (10/8, 172.16/12, 192.168/16, fc00::/7) stay allowed: clusters live there.
 */
const refused = new BlockList();
refused.addSubnet('0.0.0.0', 8, 'ipv4');
refused.addSubnet('127.0.0.0', 8, 'ipv4');
refused.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, with the metadata address 169.254.169.254
refused.addAddress('::', 'ipv6');
refused.addAddress('::1', 'ipv6');
refused.addSubnet('fe80::', 10, 'ipv6');
refused.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

const REFUSED_NAMES = /^(localhost|.*\.localhost|metadata|metadata\.google\.internal)\.?$/i;

/** Whether `address` (an IP literal) is loopback, unspecified, link-local or a metadata address. */
export function isLoopbackOrLinkLocal(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return refused.check(mapped[1] as string, 'ipv4');
  const family = isIP(address);
  return family !== 0 && refused.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why the API server at `server` may not be connected to, or null: its host is, or resolves to, a
 * loopback, link-local or metadata address. A name that does not resolve is left to the connection
 * attempt, which reports it like any other failure.
 */
export async function serverAddressProblem(server: string): Promise<string | null> {
  const host = new URL(server).hostname.replace(/^\[(.*)\]$/, '$1');
  const why = 'a loopback, link-local or metadata address (set PALISADE_ALLOW_LOOPBACK_ADDRESSES=true for clusters on this machine)';
  if (REFUSED_NAMES.test(host) || isLoopbackOrLinkLocal(host)) return `server host ${host} is ${why}`;
  if (isIP(host) !== 0) return null;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return null;
  }
  const bad = addresses.find((a) => isLoopbackOrLinkLocal(a.address));
  return bad ? `server host ${host} resolves to ${bad.address}, ${why}` : null;
}
