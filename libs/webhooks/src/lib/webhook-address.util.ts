import { BlockList, isIP } from 'node:net';

const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, with the cloud metadata address 169.254.169.254
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3], // multicast and reserved
] as const) blocked.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fd00:ec2::254', 128], // AWS metadata over IPv6
  ['ff00::', 8],
] as const) blocked.addSubnet(network, prefix, 'ipv6');

const BLOCKED_NAMES = /^(localhost|.*\.localhost|metadata|metadata\.google\.internal)\.?$/i;

/** Whether `address` (an IP literal) is loopback, private, link-local, metadata or otherwise not public. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1] as string, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
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
  if (BLOCKED_NAMES.test(host) || isPrivateAddress(host)) {
    return `url host ${host} is a loopback, private, link-local or metadata address (set WEBHOOK_ALLOW_PRIVATE_ADDRESSES=true to allow)`;
  }
  return null;
}
