import { isStrictSubnet, parseCidr } from '../parse-cidr.util';
import type { ParsedCidr } from '../parse-cidr.util';

function cidr(text: string): ParsedCidr {
  const result = parseCidr(text);
  if (!result.ok) throw new TypeError(`${text}: ${result.reason}`);
  return result.cidr;
}

describe(parseCidr.name, () => {
  it.each<[string, string, ParsedCidr]>([
    ['an IPv4 block', '10.0.0.0/8', { family: 4, address: 0x0a000000n, prefix: 8, network: 0x0a000000n }],
    ['host bits are kept in address and cleared in network', '10.1.2.3/8', { family: 4, address: 0x0a010203n, prefix: 8, network: 0x0a000000n }],
    ['everything', '0.0.0.0/0', { family: 4, address: 0n, prefix: 0, network: 0n }],
    ['a single IPv4 address', '1.1.1.1/32', { family: 4, address: 0x01010101n, prefix: 32, network: 0x01010101n }],
    ['compressed IPv6', '2001:db8::/32', { family: 6, address: 0x20010db8n << 96n, prefix: 32, network: 0x20010db8n << 96n }],
    ['uncompressed upper-case IPv6 with leading zeros in groups', '2001:0DB8:0:0:0:0:0:1/128', { family: 6, address: (0x20010db8n << 96n) | 1n, prefix: 128, network: (0x20010db8n << 96n) | 1n }],
    ['trailing ::', 'fd00::/8', { family: 6, address: 0xfdn << 120n, prefix: 8, network: 0xfdn << 120n }],
    ['IPv6 with embedded IPv4 (NAT64)', '64:ff9b::10.0.0.1/96', { family: 6, address: (0x64ff9bn << 96n) | 0x0a000001n, prefix: 96, network: 0x64ff9bn << 96n }],
    ['all-zero IPv6', '::/0', { family: 6, address: 0n, prefix: 0, network: 0n }],
  ])('parses %s', (_reason, text, expected) => {
    expect(parseCidr(text)).toEqual({ ok: true, cidr: expected });
  });

  it.each<[string, string, string]>([
    ['no prefix', '10.0.0.0', 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['empty prefix', '10.0.0.0/', 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['three octets', '10.0.0/8', 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['signed prefix', '10.0.0.0/+8', 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['spaces', ' 10.0.0.0/8', 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['a zone', 'fe80::1%eth0/64', 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['nine IPv6 groups', '1:2:3:4:5:6:7:8:9/64', 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    [':: with eight groups', '1:2:3:4::5:6:7:8/64', 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['five hex digits', '12345::/16', 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['a hostname', 'example.com/32', 'must be a valid CIDR value (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
    ['leading zero in an octet', '10.01.0.0/16', 'must not have leading 0s in IP or prefix length'],
    ['leading zero in an embedded IPv4', '64:ff9b::10.0.0.01/128', 'must not have leading 0s in IP or prefix length'],
    ['IPv4-mapped IPv6', '::ffff:1.2.3.4/128', 'must not have an IPv4-mapped IPv6 address'],
  ])('rejects %s', (_reason, text, reason) => {
    expect(parseCidr(text)).toEqual({ ok: false, reason });
  });
});

describe(isStrictSubnet.name, () => {
  it.each<[string, string, string, boolean]>([
    ['a smaller block inside', '10.1.0.0/16', '10.0.0.0/8', true],
    ['a block with host bits inside a block with host bits', '10.1.2.3/16', '10.9.9.9/8', true],
    ['the same block', '10.0.0.0/8', '10.0.0.0/8', false],
    ['a larger block', '10.0.0.0/7', '10.0.0.0/8', false],
    ['a disjoint block', '11.0.0.0/16', '10.0.0.0/8', false],
    ['the other family', '::/96', '0.0.0.0/0', false],
    ['IPv6 inside IPv6', '2001:db8:1::/48', '2001:db8::/32', true],
  ])('%s', (_reason, inner, outer, expected) => {
    expect(isStrictSubnet(cidr(inner), cidr(outer))).toBe(expected);
  });
});
