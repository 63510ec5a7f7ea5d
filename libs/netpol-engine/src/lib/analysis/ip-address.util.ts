/**
 * IP addresses in one ordered key space so that IPv4 and IPv6 can never overlap:
 * IPv6 addresses are `[0, 2^128)` and IPv4 addresses are `V4_BASE + [0, 2^32)`; the gap between
 * the two keeps intervals of different families from ever being adjacent (and merged).
 * An address set is a flat, sorted array of inclusive bounds `[lo0, hi0, lo1, hi1, …]`
 * whose intervals are disjoint and not adjacent.
 */

export type IpFamily = 4 | 6;

export const V4_BASE = 1n << 129n;
const V4_SIZE = 1n << 32n;
const V6_SIZE = 1n << 128n;

export type AddressSet = readonly bigint[];

export const ALL_V4: AddressSet = [V4_BASE, V4_BASE + V4_SIZE - 1n];
export const ALL_V6: AddressSet = [0n, V6_SIZE - 1n];
export const ALL_ADDRESSES: AddressSet = [0n, V6_SIZE - 1n, V4_BASE, V4_BASE + V4_SIZE - 1n];
export const NO_ADDRESSES: AddressSet = [];

export function familyOf(key: bigint): IpFamily {
  return key >= V4_BASE ? 4 : 6;
}

function familyBase(family: IpFamily): bigint {
  return family === 4 ? V4_BASE : 0n;
}

function familyBits(family: IpFamily): number {
  return family === 4 ? 32 : 128;
}

function parseV4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

function parseV6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (i === items.length - 1 && item.includes('.')) {
        const v4 = parseV4(item);
        if (v4 === undefined) return undefined;
        groups.push(Math.floor(v4 / 65536), v4 % 65536);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(item)) return undefined;
        groups.push(parseInt(item, 16));
      }
    }
    return groups;
  };
  const head = toGroups(halves[0]);
  const tail = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!head || !tail) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    if (head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/**
 * Parses an IPv4 or IPv6 address into its key, or `undefined` when it is not an address.
 * An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) stays IPv6.
 *
 * @example parseIp('10.0.0.1') // V4_BASE + 167772161n
 */
export function parseIp(text: string): bigint | undefined {
  if (text.includes(':')) return parseV6(text);
  const v4 = parseV4(text);
  return v4 === undefined ? undefined : V4_BASE + BigInt(v4);
}

/**
 * The inclusive interval of a CIDR; host bits are masked (`10.0.0.7/24` is `10.0.0.0/24`).
 *
 * @example parseCidr('10.0.0.7/24') // [key of 10.0.0.0, key of 10.0.0.255]
 */
export function parseCidr(text: string): [bigint, bigint] | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const key = parseIp(text.slice(0, slash));
  const lengthText = text.slice(slash + 1);
  if (key === undefined || !/^\d{1,3}$/.test(lengthText)) return undefined;
  const family = familyOf(key);
  const bits = familyBits(family);
  const length = Number(lengthText);
  if (length > bits) return undefined;
  const base = familyBase(family);
  const size = 1n << BigInt(bits - length);
  const lo = base + ((key - base) / size) * size;
  return [lo, lo + size - 1n];
}

/** Formats an address key as text (RFC 5952 compression for IPv6). */
export function formatIp(key: bigint): string {
  if (key >= V4_BASE) {
    const v = Number(key - V4_BASE);
    return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((key >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/** Sorts, merges overlapping and adjacent intervals given as `[lo, hi]` pairs. */
export function normalizeAddressSet(pairs: [bigint, bigint][]): AddressSet {
  const sorted = pairs.filter(([lo, hi]) => lo <= hi).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const out: bigint[] = [];
  for (const [lo, hi] of sorted) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last] + 1n) {
      if (hi > out[last]) out[last] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

export function unionAddressSets(a: AddressSet, b: AddressSet): AddressSet {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const pairs: [bigint, bigint][] = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i], a[i + 1]]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i], b[i + 1]]);
  return normalizeAddressSet(pairs);
}

export function subtractAddressSets(a: AddressSet, b: AddressSet): AddressSet {
  if (a.length === 0 || b.length === 0) return a;
  const out: bigint[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i];
    const hi = a[i + 1];
    while (j < b.length && b[j + 1] < lo) j += 2;
    let k = j;
    while (k < b.length && b[k] <= hi && lo <= hi) {
      if (b[k] > lo) out.push(lo, b[k] - 1n);
      lo = b[k + 1] + 1n;
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function addressSetHas(set: AddressSet, key: bigint): boolean {
  let lo = 0;
  let hi = set.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (key < set[2 * mid]) hi = mid - 1;
    else if (key > set[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/**
 * The addresses of an ipBlock: its CIDR minus its `except` CIDRs (all host-masked).
 *
 * @example ipBlockAddresses({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }) // two intervals
 */
export function ipBlockAddresses(block: { cidr: string; except?: string[] }): AddressSet {
  const cidr = parseCidr(block.cidr);
  if (!cidr) return NO_ADDRESSES;
  const excepts: [bigint, bigint][] = [];
  for (const text of block.except ?? []) {
    const interval = parseCidr(text);
    if (interval) excepts.push(interval);
  }
  return subtractAddressSets([cidr[0], cidr[1]], normalizeAddressSet(excepts));
}

function cidrText(lo: bigint, prefixLength: number): string {
  return `${formatIp(lo)}/${prefixLength}`;
}

/** The minimal list of CIDRs that exactly covers `[lo, hi]` (both in one family). */
export function intervalToCidrs(lo: bigint, hi: bigint): string[] {
  const family = familyOf(lo);
  const base = familyBase(family);
  const bits = familyBits(family);
  const out: string[] = [];
  let cursor = lo;
  while (cursor <= hi) {
    const offset = cursor - base;
    let hostBits = 0;
    while (hostBits < bits && ((offset >> BigInt(hostBits)) & 1n) === 0n) hostBits++;
    while (hostBits > 0 && cursor + (1n << BigInt(hostBits)) - 1n > hi) hostBits--;
    out.push(cidrText(cursor, bits - hostBits));
    cursor += 1n << BigInt(hostBits);
  }
  return out;
}

/** Splits an address set into its IPv6 part and its IPv4 part. */
export function splitByFamily(set: AddressSet): { v4: AddressSet; v6: AddressSet } {
  const v4: bigint[] = [];
  const v6: bigint[] = [];
  for (let i = 0; i < set.length; i += 2) (set[i] >= V4_BASE ? v4 : v6).push(set[i], set[i + 1]);
  return { v4, v6 };
}

export interface CidrGroup {
  cidr: string;
  except?: string[];
}

/**
 * Renders an address set as CIDR groups: either one CIDR per piece, or, when shorter, the
 * smallest covering CIDR with `except` CIDRs. IPv6 and IPv4 are always rendered apart.
 *
 * @example renderAddressSet(ipBlockAddresses({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }))
 * // [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }]
 */
export function renderAddressSet(set: AddressSet): CidrGroup[] {
  const { v4, v6 } = splitByFamily(set);
  return [...renderFamily(v4), ...renderFamily(v6)];
}

function renderFamily(set: AddressSet): CidrGroup[] {
  if (set.length === 0) return [];
  const pieces: string[] = [];
  for (let i = 0; i < set.length; i += 2) pieces.push(...intervalToCidrs(set[i], set[i + 1]));
  if (pieces.length === 1) return [{ cidr: pieces[0] }];
  const family = familyOf(set[0]);
  const base = familyBase(family);
  const bits = familyBits(family);
  const lo = set[0] - base;
  const hi = set[set.length - 1] - base;
  let prefixLength = bits;
  while (prefixLength > 0 && lo >> BigInt(bits - prefixLength) !== hi >> BigInt(bits - prefixLength)) prefixLength--;
  const coverLo = base + ((lo >> BigInt(bits - prefixLength)) << BigInt(bits - prefixLength));
  const coverHi = coverLo + (1n << BigInt(bits - prefixLength)) - 1n;
  const holes = subtractAddressSets([coverLo, coverHi], set);
  const except: string[] = [];
  for (let i = 0; i < holes.length && except.length + 1 < pieces.length; i += 2) {
    except.push(...intervalToCidrs(holes[i], holes[i + 1]));
  }
  if (except.length + 1 < pieces.length) return [{ cidr: cidrText(coverLo, prefixLength), except }];
  return pieces.map((cidr) => ({ cidr }));
}
