/** An IPv4 or IPv6 CIDR, with addresses as unsigned integers (32 or 128 bits). */
export interface ParsedCidr {
  family: 4 | 6;
  /** The address as written; may have bits set beyond the prefix (`10.0.0.1/8`). */
  address: bigint;
  prefix: number;
  /** `address` with the host bits cleared: the first address of the block. */
  network: bigint;
}

export type ParseCidrResult = { ok: true; cidr: ParsedCidr } | { ok: false; reason: string };

const INVALID = 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const LEADING_ZEROS = 'must not have leading 0s in IP or prefix length';

/**
 * Parses a CIDR the way the API server validates `ipBlock.cidr`: host bits allowed (as the API
 * server has always accepted them), but no leading zeros (ambiguous: octal for libc, decimal for
 * Go) and no IPv4-mapped IPv6 addresses, like Kubernetes' strict IP/CIDR validation.
 *
 * @example parseCidr('10.0.0.1/8') // { ok: true, cidr: { family: 4, prefix: 8, network: 0x0a000000n, ... } }
 * @example parseCidr('010.0.0.0/8') // { ok: false, reason: 'must not have leading 0s in IP or prefix length' }
 */
export function parseCidr(text: string): ParseCidrResult {
  const slash = text.indexOf('/');
  if (slash < 0) return { ok: false, reason: INVALID };
  const ipText = text.slice(0, slash);
  const prefixText = text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) return { ok: false, reason: INVALID };

  const ip = ipText.includes(':') ? parseIPv6(ipText) : parseIPv4(ipText);
  if (ip === 'invalid') return { ok: false, reason: INVALID };
  const bits = ip.family === 4 ? 32 : 128;
  const prefix = Number(prefixText);
  if (prefix > bits) return { ok: false, reason: INVALID };
  if (ip.leadingZeros || (prefixText.length > 1 && prefixText.startsWith('0'))) return { ok: false, reason: LEADING_ZEROS };
  if (ip.family === 6 && ip.value >> 32n === 0xffffn) return { ok: false, reason: 'must not have an IPv4-mapped IPv6 address' };

  const hostBits = BigInt(bits - prefix);
  const network = (ip.value >> hostBits) << hostBits;
  return { ok: true, cidr: { family: ip.family, address: ip.value, prefix, network } };
}

/**
 * Whether `inner` lies inside `outer` and is strictly smaller (what `ipBlock.except` requires).
 * Host bits of either are ignored, as the API server does.
 *
 * @example isStrictSubnet(cidr('10.1.0.0/16'), cidr('10.0.0.0/8')) // true
 * @example isStrictSubnet(cidr('10.0.0.0/8'), cidr('10.0.0.0/8')) // false: equal, not strictly inside
 */
export function isStrictSubnet(inner: ParsedCidr, outer: ParsedCidr): boolean {
  if (inner.family !== outer.family || inner.prefix <= outer.prefix) return false;
  const shift = BigInt((outer.family === 4 ? 32 : 128) - outer.prefix);
  return inner.network >> shift === outer.network >> shift;
}

type ParsedIp = { family: 4 | 6; value: bigint; leadingZeros: boolean } | 'invalid';

function parseIPv4(text: string): ParsedIp {
  const parts = text.split('.');
  if (parts.length !== 4) return 'invalid';
  let value = 0n;
  let leadingZeros = false;
  for (const part of parts) {
    if (!/^[0-9]{1,3}$/.test(part) || Number(part) > 255) return 'invalid';
    if (part.length > 1 && part.startsWith('0')) leadingZeros = true;
    value = (value << 8n) | BigInt(Number(part));
  }
  return { family: 4, value, leadingZeros };
}

function parseIPv6(text: string): ParsedIp {
  let leadingZeros = false;
  let body = text;
  let tail: bigint[] = [];
  // An embedded IPv4 address takes the last two groups (e.g. ::ffff:1.2.3.4, 64:ff9b::10.0.0.1).
  const lastColon = body.lastIndexOf(':');
  if (body.slice(lastColon + 1).includes('.')) {
    const v4 = parseIPv4(body.slice(lastColon + 1));
    if (v4 === 'invalid') return 'invalid';
    leadingZeros = v4.leadingZeros;
    tail = [v4.value >> 16n, v4.value & 0xffffn];
    body = body.slice(0, lastColon + 1); // keeps a trailing '::', drops a single trailing ':'
    if (!body.endsWith('::')) body = body.slice(0, -1);
  }
  const halves = body.split('::');
  if (halves.length > 2) return 'invalid';
  const parseGroups = (s: string): bigint[] | 'invalid' => {
    if (s === '') return [];
    const groups = s.split(':');
    if (groups.some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return 'invalid';
    return groups.map((g) => BigInt(`0x${g}`));
  };
  const head = parseGroups(halves[0] ?? '');
  const rest = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (head === 'invalid' || rest === 'invalid') return 'invalid';
  const explicit = head.length + rest.length + tail.length;
  let groups: bigint[];
  if (halves.length === 2) {
    if (explicit > 7) return 'invalid'; // '::' stands for at least one group
    groups = [...head, ...Array<bigint>(8 - explicit).fill(0n), ...rest, ...tail];
  } else {
    if (explicit !== 8) return 'invalid';
    groups = [...head, ...tail];
  }
  const value = groups.reduce((acc, g) => (acc << 16n) | g, 0n);
  return { family: 6, value, leadingZeros };
}
