import type { NetworkPolicyPort } from '../../manifest';
import { IrContext } from '../policy-ir.util';
import { PortSetTable } from '../port-set.util';

describe('IrContext.portSpec', () => {
  // One-entry lists take a lookup by number; the same entry twice takes the general path (by a hash of the values).
  const general = (ctx: IrContext, port: NetworkPolicyPort): number => ctx.portSpec([port, port]);

  it('gives one-entry port lists the spec the general path gives them', () => {
    const ctx = new IrContext(new PortSetTable());
    const ports: NetworkPolicyPort[] = [
      { port: 80 },
      { protocol: 'TCP', port: 80 },
      { protocol: 'UDP', port: 80 },
      { protocol: 'SCTP', port: 80 },
      { protocol: 'TCP', port: 65535 },
      { protocol: 'TCP', port: 1 },
      {},
      { protocol: 'UDP' },
      { protocol: 'TCP', port: 80, endPort: 90 },
    ];
    const fast = ports.map((p) => ctx.portSpec([p]));
    expect(fast).toEqual(ports.map((p) => general(ctx, p)));
    // A missing protocol is TCP; protocols and ports keep their specs apart; no port is every port of the protocol.
    expect(fast[0]).toBe(fast[1]);
    expect(new Set([fast[1], fast[2], fast[3], fast[4], fast[5], fast[6], fast[7], fast[8]]).size).toBe(8);
    expect(ctx.ports.resolve(fast[6], 0)).toBe(ctx.ports.resolve(ctx.portSpec([{ protocol: 'TCP', port: 1, endPort: 65535 }]), 0));
    // Asked again, the same ids.
    expect(ports.map((p) => ctx.portSpec([p]))).toEqual(fast);
  });

  it('gives a missing or empty port list the spec of every port', () => {
    const ctx = new IrContext(new PortSetTable());
    const every = ctx.portSpec(undefined);
    expect(ctx.portSpec([])).toBe(every);
    expect(ctx.ports.resolve(every, 0)).toBe(PortSetTable.ALL);
    expect(ctx.portSpec([{ protocol: 'TCP' }, { protocol: 'UDP' }, { protocol: 'SCTP' }])).toBe(every);
  });

  it('keeps a port number outside 1-65535 out of the lookup by number', () => {
    // Validation rejects port 0; the engine still gives it its own spec (TCP port 0 alone), not every port.
    const ctx = new IrContext(new PortSetTable());
    expect(ctx.portSpec([{ protocol: 'TCP', port: 0 }])).toBe(general(ctx, { protocol: 'TCP', port: 0 }));
    expect(ctx.portSpec([{ protocol: 'TCP', port: 0 }])).not.toBe(ctx.portSpec([{ protocol: 'TCP' }]));
  });

  it('tells apart port lists differing in one field, and finds a list again from another array with the same values', () => {
    const ctx = new IrContext(new PortSetTable());
    const lists: NetworkPolicyPort[][] = [
      [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443 }],
      [{ protocol: 'TCP', port: 80 }, { protocol: 'UDP', port: 443 }],
      [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 443, endPort: 444 }],
      [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 'https' }],
      [{ protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 'http' }],
      [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 80 }, { protocol: 'TCP', port: 8080 }],
      [{ port: 80, endPort: 90 }],
      [{ port: 80, endPort: 91 }],
    ];
    const specs = lists.map((list) => ctx.portSpec(list));
    expect(new Set(specs).size).toBe(lists.length);
    // The same values in new objects: the same specs (also when asked in another order).
    const copies = lists.map((list) => list.map((p) => ({ ...p })));
    expect([...copies].reverse().map((list) => ctx.portSpec(list))).toEqual([...specs].reverse());
    // Their meaning is kept: the range 80-90 and the list 80,443 resolve as such.
    expect(ctx.ports.resolve(specs[6], 0)).toBe(ctx.ports.resolve(ctx.portSpec([{ protocol: 'TCP', port: 80, endPort: 90 }]), 0));
    expect(ctx.ports.resolve(specs[0], 0)).not.toBe(ctx.ports.resolve(specs[1], 0));
  });
});
