import { BlockList, isIP } from 'node:net';

/**
 * The service's own machine (loopback, "this" network, unspecified), link-local networks and cloud
 * metadata endpoints: never a cluster's or a webhook's address unless an operator allows it.
 */
const localOrMetadata = new BlockList();
localOrMetadata.addSubnet('0.0.0.0', 8, 'ipv4'); // "this" network
localOrMetadata.addSubnet('127.0.0.0', 8, 'ipv4'); // loopback
localOrMetadata.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, with the metadata address 169.254.169.254
localOrMetadata.addAddress('::', 'ipv6');
localOrMetadata.addAddress('::1', 'ipv6');
localOrMetadata.addSubnet('fe80::', 10, 'ipv6'); // link-local
localOrMetadata.addAddress('fd00:ec2::254', 'ipv6'); // AWS metadata over IPv6

/** Host names that stand for the service's own machine or a metadata endpoint. */
export const LOCAL_OR_METADATA_NAMES = /^(localhost|.*\.localhost|metadata|metadata\.google\.internal)\.?$/i;

/** Checks an IP literal against `list`, reading IPv4-mapped IPv6 addresses as IPv4; false for anything else. */
export function addressIn(list: BlockList, address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return list.check(mapped[1] as string, 'ipv4');
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Whether `address` (an IP literal) is loopback, unspecified, link-local or a metadata address.
 *
 * @example isLoopbackOrLinkLocal('169.254.169.254') // true
 */
export function isLoopbackOrLinkLocal(address: string): boolean {
  return addressIn(localOrMetadata, address);
}
