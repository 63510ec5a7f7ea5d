import { formatFlow, formatPorts } from '../format-flow.util';
import { formatIp, ipBlockAddresses, parseCidr, parseIp, renderAddressSet } from '../ip-address.util';

describe('formatPorts', () => {
  it.each([
    ['several ranges and protocols', [{ protocol: 'TCP' as const, ranges: [[53, 53], [8000, 8080]] as [number, number][] }, { protocol: 'UDP' as const, ranges: [[53, 53]] as [number, number][] }], 'TCP 53,8000-8080; UDP 53'],
    ['every port of every protocol', (['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({ protocol, ranges: [[1, 65535]] as [number, number][] })), 'All'],
    ['one protocol fully open', [{ protocol: 'TCP' as const, ranges: [[1, 65535]] as [number, number][] }], 'TCP 1-65535'],
  ])('%s', (_reason, ports, expected) => {
    expect(formatPorts(ports)).toBe(expected);
  });
});

describe('formatFlow', () => {
  it('writes workloads as ns/name[Kind] and external groups as CIDR except …', () => {
    expect(
      formatFlow({
        from: { kind: 'workload', namespace: 'prod', workloadKind: 'Deployment', name: 'api' },
        to: { kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] },
        ports: [{ protocol: 'TCP', ranges: [[443, 443]] }],
      }),
    ).toBe('prod/api[Deployment] => 0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16 : TCP 443');
  });
});

describe('addresses', () => {
  it.each([
    ['IPv4', '10.1.2.3', '10.1.2.3'],
    ['IPv6 compressed', '2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['IPv6 all zero', '::', '::'],
    ['IPv6 longest zero run compressed', '1:0:0:2:0:0:0:3', '1:0:0:2::3'],
  ])('parses and formats %s', (_reason, text, formatted) => {
    expect(formatIp(parseIp(text) as bigint)).toBe(formatted);
  });

  it.each([['999.1.1.1'], ['1.2.3'], ['1::2::3'], ['gggg::1'], ['ns/pod']])('rejects %s', (text) => {
    expect(parseIp(text)).toBeUndefined();
  });

  it('masks host bits of a CIDR', () => {
    const [lo, hi] = parseCidr('10.0.0.77/24') as [bigint, bigint];
    expect([formatIp(lo), formatIp(hi)]).toEqual(['10.0.0.0', '10.0.0.255']);
  });

  it.each([
    ['a single address', { cidr: '1.1.1.1/32' }, [{ cidr: '1.1.1.1/32' }]],
    ['a CIDR minus an except (two ranges) as cover + except', { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }, [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] }]],
    ['a CIDR minus half of it as the remaining half', { cidr: '10.0.0.0/8', except: ['10.128.0.0/9'] }, [{ cidr: '10.0.0.0/9' }]],
    ['IPv6 with except', { cidr: '::/0', except: ['fd00::/8'] }, [{ cidr: '::/0', except: ['fd00::/8'] }]],
    ['host bits in except', { cidr: '192.168.0.0/16', except: ['192.168.1.9/24'] }, [{ cidr: '192.168.0.0/16', except: ['192.168.1.0/24'] }]],
  ])('renders %s', (_reason, block, expected) => {
    expect(renderAddressSet(ipBlockAddresses(block))).toEqual(expected);
  });

  it('renders scattered addresses one CIDR each', () => {
    const set = [...ipBlockAddresses({ cidr: '1.1.1.1/32' }), ...ipBlockAddresses({ cidr: '8.8.8.8/32' })];
    expect(renderAddressSet(set)).toEqual([{ cidr: '1.1.1.1/32' }, { cidr: '8.8.8.8/32' }]);
  });
});
