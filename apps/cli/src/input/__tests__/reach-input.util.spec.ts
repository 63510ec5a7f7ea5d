import { CliErrorCode, CliException } from '../../cli.exception';
import { readReachInput } from '../reach-input.util';

function errorsOf(doc: unknown): string[] {
  try {
    readReachInput(typeof doc === 'string' ? doc : JSON.stringify(doc), 'in.json');
  } catch (e) {
    expect(e).toBeInstanceOf(CliException);
    expect((e as CliException).code).toBe(CliErrorCode.INPUT);
    return [(e as CliException).message, ...(e as CliException).details];
  }
  throw new Error('expected an input error');
}

const policy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'a' }, spec: { podSelector: {} } };

describe(readReachInput.name, () => {
  it('reads the documented contract, defaulting protocols to TCP', () => {
    const sut = readReachInput(
      JSON.stringify({
        namespaces: [{ name: 'a', labels: { team: 'x' } }],
        pods: [{ namespace: 'a', name: 'web', labels: { app: 'web' }, ip: '10.0.0.1', ports: [{ name: 'http', port: 80 }], workload: { kind: 'Deployment', name: 'web' } }],
        policies: [policy],
        queries: [{ from: 'a/web', to: '1.1.1.1', port: 443 }],
        options: { ipBlockMatchesPodIps: false },
      }),
      'in.json',
    );
    expect(sut.inventory.pods[0]).toEqual({ namespace: 'a', name: 'web', labels: { app: 'web' }, ip: '10.0.0.1', ports: [{ name: 'http', port: 80, protocol: 'TCP' }], workload: { kind: 'Deployment', name: 'web' } });
    expect(sut.queries).toEqual([{ from: 'a/web', to: '1.1.1.1', port: 443, protocol: 'TCP' }]);
    expect(sut.options).toEqual({ ipBlockMatchesPodIps: false });
    expect(sut.policies).toHaveLength(1);
  });

  it.each([
    // JSON syntax
    ['{"queries": [', 'in.json: not valid JSON'],
    // the queries list is the point of the file
    [{}, 'in.json: queries: is required'],
    [{ queries: [{ from: 'a/x', to: 'b/y', port: 0 }] }, 'in.json: queries[0].port: must be an integer from 1 to 65535'],
    [{ queries: [{ from: 'a/x', to: 'b/y', port: 80, protocol: 'ICMP' }] }, 'in.json: queries[0].protocol: must be one of TCP, UDP, SCTP'],
    [{ queries: [], pods: [{ namespace: 'a', name: 'x', labels: { n: 1 } }] }, 'in.json: pods[0].labels.n: must be a string'],
    [{ queries: [], pods: [{ namespace: 'a', name: 'x', ports: [{ port: 'http' }] }] }, 'in.json: pods[0].ports[0].port: must be an integer from 1 to 65535'],
    [{ queries: [], query: [] }, 'in.json: query: unknown field'],
    // policies are validated by the manifest module, with their index
    [{ queries: [], policies: [{ ...policy, spec: { podSelector: {}, ingress: [{ ports: [{ port: 70000 }] }] } }] }, 'in.json: policies[0].spec.ingress[0].ports[0].port'],
  ])('names the field: %j', (doc, expected) => {
    expect(errorsOf(doc).join('\n')).toContain(expected);
  });
});
