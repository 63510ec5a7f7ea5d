import { type AggregatedFlow, type Flow, formatEndpoint, formatFlow, formatPorts, type WorkloadEndpoint } from '@palisade/netpol-engine';

import { flowRowsOf, formatFlows, LineBytesWriter, markdownCode, writeFlows } from '../format-flows.util';

const api: WorkloadEndpoint = { kind: 'workload', namespace: 'prod', workloadKind: 'Deployment', name: 'api' };
const web: WorkloadEndpoint = { kind: 'workload', namespace: 'prod', workloadKind: 'Deployment', name: 'web' };
const idle: WorkloadEndpoint = { kind: 'workload', namespace: 'batch', workloadKind: 'CronJob', name: 'idle' };
const flows: Flow[] = [
  { from: web, to: api, ports: [{ protocol: 'TCP', ranges: [[8080, 8080], [9000, 9100]] }] },
  { from: api, to: { kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] }, ports: [{ protocol: 'UDP', ranges: [[53, 53]] }] },
];

describe(formatFlows.name, () => {
  it('text: one line per flow', () => {
    expect(formatFlows(flows, 'text')).toBe(
      'prod/web[Deployment] => prod/api[Deployment] : TCP 8080,9000-9100\nprod/api[Deployment] => 0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16 : UDP 53\n',
    );
  });

  it('json: the engine flows', () => {
    expect(JSON.parse(formatFlows(flows, 'json'))).toEqual({ flows });
  });

  it('csv: one row per port range, quoting fields with commas', () => {
    expect(formatFlows(flows, 'csv').split('\n')).toEqual([
      'from,to,protocol,port_from,port_to',
      'prod/web[Deployment],prod/api[Deployment],TCP,8080,8080',
      'prod/web[Deployment],prod/api[Deployment],TCP,9000,9100',
      'prod/api[Deployment],"0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16",UDP,53,53',
      '',
    ]);
  });

  it('dot: namespaces as clusters, every workload drawn, external ranges as ellipses', () => {
    const dot = formatFlows(flows, 'dot', [idle, api, web]);
    expect(dot).toMatch(/^digraph palisade \{/);
    expect(dot).toContain('subgraph cluster_0 {\n    label="batch";\n    "batch/idle[CronJob]" [label="idle\\nCronJob"];\n  }');
    expect(dot).toContain('"0.0.0.0/0 except 10.0.0.0/8, 192.168.0.0/16" [shape=ellipse];');
    expect(dot).toContain('"prod/web[Deployment]" -> "prod/api[Deployment]" [label="TCP 8080,9000-9100"];');
    expect(dot.trimEnd().endsWith('}')).toBe(true);
  });

  it('json: exactly what JSON.stringify prints, also without flows', () => {
    expect(formatFlows(flows, 'json')).toBe(`${JSON.stringify({ flows }, null, 2)}\n`);
    expect(formatFlows([], 'json')).toBe(`${JSON.stringify({ flows: [] }, null, 2)}\n`);
  });

  it('jsonl: one compact JSON flow per line', () => {
    expect(formatFlows(flows, 'jsonl').split('\n')).toEqual([JSON.stringify(flows[0]), JSON.stringify(flows[1]), '']);
  });

  it('aggregated flows: namespaces read ns/*, and in dot they are nodes of their namespace', () => {
    const aggregated: AggregatedFlow[] = [{ from: { kind: 'namespace', namespace: 'batch' }, to: { kind: 'namespace', namespace: 'prod' }, ports: [{ protocol: 'TCP', ranges: [[80, 80]] }] }, ...flows];
    expect(formatFlows(aggregated, 'text').split('\n')[0]).toBe('batch/* => prod/* : TCP 80');
    expect(formatFlows(aggregated, 'csv').split('\n')[1]).toBe('batch/*,prod/*,TCP,80,80');
    const dot = formatFlows(aggregated, 'dot', [idle]);
    expect(dot).toContain('subgraph cluster_0 {\n    label="batch";\n    "batch/*" [label="*\\nall workloads"];\n    "batch/idle[CronJob]" [label="idle\\nCronJob"];\n  }');
    expect(dot).toContain('"batch/*" -> "prod/*" [label="TCP 80"];');
  });

  it('streams: many flows are written in chunks of about 64 KiB, each flow read once (twice for dot)', () => {
    let reads = 0;
    const many = function* (): Generator<Flow> {
      reads++;
      for (let i = 0; i < 10_000; i++) yield flows[0];
    };
    for (const format of ['text', 'jsonl', 'json', 'csv', 'dot'] as const) {
      reads = 0;
      const chunks: string[] = [];
      writeFlows(() => flowRowsOf(many()), format, (text) => chunks.push(text), [api, web]);
      expect(chunks.length).toBeGreaterThan(5);
      expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(70_000);
      expect(reads).toBe(format === 'dot' ? 2 : 1);
      expect(chunks.join('')).toBe(formatFlows([...many()], format, [api, web]));
    }
  });
});

describe('writeFlows renders each endpoint and port list once', () => {
  // Flows sharing endpoint and port objects, as the engine lists them, and some with a different key order.
  const endpoints = [web, api, idle, { kind: 'namespace', namespace: 'prod' } as const, { kind: 'cidr', cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } as const, { kind: 'cidr', cidr: '::/0' } as const];
  const portLists: Flow['ports'][] = [
    [{ protocol: 'TCP', ranges: [[1, 65535]] }, { protocol: 'UDP', ranges: [[1, 65535]] }, { protocol: 'SCTP', ranges: [[1, 65535]] }],
    [{ protocol: 'TCP', ranges: [[53, 53], [8000, 8080]] }, { protocol: 'UDP', ranges: [[53, 53]] }],
    [{ protocol: 'SCTP', ranges: [[7, 9]] }],
  ];
  const listed: (Flow | AggregatedFlow)[] = [];
  for (let i = 0; i < 60; i++) listed.push({ from: endpoints[i % 6], to: endpoints[(i * 7 + 1) % 6], ports: portLists[i % 3] } as AggregatedFlow);
  listed.push({ ports: portLists[1], to: api, from: web } as Flow);

  it('text, jsonl and json print what formatFlow and JSON.stringify print for every flow (keys from, to, ports, in that order)', () => {
    const ordered = listed.map((f) => ({ from: f.from, to: f.to, ports: f.ports }));
    expect(formatFlows(listed, 'text')).toBe(listed.map((f) => `${formatFlow(f)}\n`).join(''));
    expect(formatFlows(listed, 'jsonl')).toBe(ordered.map((f) => `${JSON.stringify(f)}\n`).join(''));
    expect(formatFlows(listed, 'json')).toBe(`${JSON.stringify({ flows: ordered }, null, 2)}\n`);
  });

  it('md and csv give one row per flow (csv: per range) with the same texts', () => {
    const md = formatFlows(listed, 'md').split('\n');
    expect(md.slice(2, -1)).toEqual(listed.map((f) => `| ${markdownCode(formatEndpoint(f.from))} | ${markdownCode(formatEndpoint(f.to))} | ${formatPorts(f.ports)} |`));
    const csvRows = formatFlows(listed, 'csv').split('\n').length - 2;
    expect(csvRows).toBe(listed.reduce((n, f) => n + f.ports.reduce((m, p) => m + p.ranges.length, 0), 0));
  });
});

describe(LineBytesWriter.name, () => {
  const utf8 = new TextEncoder();
  const decoder = new TextDecoder();

  it('hands out chunks of at most 64 KiB that end where a line ends, each a buffer of its own', () => {
    const chunks: Uint8Array[] = [];
    const sut = new LineBytesWriter((bytes) => chunks.push(bytes));
    // Pieces of several lengths, with multi-byte characters.
    const a = utf8.encode('prod/wéb[Deployment] => ');
    const b = utf8.encode('ns-ü/* ');
    const c = utf8.encode(': TCP 1-65535,UDP 1-65535,SCTP 1-65535 ✓\n');
    const line = decoder.decode(a) + decoder.decode(b) + decoder.decode(c);
    for (let i = 0; i < 5000; i++) sut.line(a, b, c);
    sut.flush();
    expect(chunks.length).toBeGreaterThan(4);
    expect(new Set(chunks.map((chunk) => chunk.buffer)).size).toBe(chunks.length);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(65_536);
      expect(chunk[chunk.length - 1]).toBe(10);
      expect(decoder.decode(chunk).split('\n').slice(0, -1).every((l) => `${l}\n` === line)).toBe(true);
    }
    expect(chunks.reduce((n, chunk) => n + chunk.length, 0)).toBe(5000 * (a.length + b.length + c.length));
  });

  it('fills the buffers a sink gives as room (at least 64 KiB, or the line) and hands back a prefix of each', () => {
    const rooms: Uint8Array[] = [];
    const chunks: Uint8Array[] = [];
    const sut = new LineBytesWriter(
      (bytes) => chunks.push(bytes.slice()),
      (length) => rooms[rooms.push(new Uint8Array(length + 5)) - 1],
    );
    const line = utf8.encode('prod/web[Deployment] => prod/api[Deployment] : TCP 8080\n');
    for (let i = 0; i < 3000; i++) sut.line(line, new Uint8Array(0), new Uint8Array(0));
    sut.line(new Uint8Array(70_000).fill(97), new Uint8Array(0), utf8.encode('\n'));
    sut.flush();
    expect(rooms.map((room) => room.length)).toEqual([65_541, 65_541, 65_541, 70_006]);
    expect(chunks.map((chunk) => chunk.length)).toEqual([65_520, 65_520, 36_960, 70_001]);
    expect(chunks.slice(0, 3).every((chunk, i) => Buffer.from(chunk).equals(Buffer.from(rooms[i].subarray(0, chunk.length))))).toBe(true);
  });

  it('writes a line longer than a chunk whole, in a chunk of its own', () => {
    const chunks: Uint8Array[] = [];
    const sut = new LineBytesWriter((bytes) => chunks.push(bytes));
    const short = utf8.encode('x\n');
    const long = new Uint8Array(100_000).fill(97);
    sut.line(short, new Uint8Array(0), new Uint8Array(0));
    sut.line(long, utf8.encode('=>'), short);
    sut.line(short, short, short);
    sut.flush();
    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 100_004, 6]);
    expect(decoder.decode(chunks[1])).toBe(`${'a'.repeat(100_000)}=>x\n`);
  });

  it('text and jsonl: the bytes a sink takes are the text a text-only sink gets', () => {
    const many: Flow[] = [];
    for (let i = 0; i < 3000; i++) many.push(flows[i % 2], { from: { ...api, name: `api-${i % 7}-ü` }, to: web, ports: flows[0].ports });
    for (const format of ['text', 'jsonl'] as const) {
      const chunks: Uint8Array[] = [];
      const texts: string[] = [];
      writeFlows(() => flowRowsOf(many), format, { text: (t) => texts.push(t), bytes: (b) => chunks.push(b) });
      expect(texts).toEqual([]);
      expect(chunks.length).toBeGreaterThan(1);
      // Against formatFlow and JSON.stringify, line by line, for the bytes and for the decoded text.
      const expected = many.map((f) => `${format === 'text' ? formatFlow(f) : JSON.stringify(f)}\n`).join('');
      expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
      expect(formatFlows(many, format)).toBe(expected);
      expect(expected.split('\n')[1]).toBe(format === 'text' ? 'prod/api-0-ü[Deployment] => prod/web[Deployment] : TCP 8080,9000-9100' : JSON.stringify(many[1]));
    }
  });

  it('text and jsonl: a sink that takes piece lines gets each endpoint and port list as a piece once, and a line as three piece numbers', () => {
    // Endpoint objects shared between flows, as the engine's listings share them (pieces are per key).
    const apis = Array.from({ length: 7 }, (_, k): WorkloadEndpoint => ({ ...api, name: `api-${k}-ü` }));
    const many: Flow[] = [];
    for (let i = 0; i < 3000; i++) many.push(flows[i % 2], { from: apis[i % 7], to: web, ports: flows[0].ports });
    for (const format of ['text', 'jsonl'] as const) {
      const pieces: string[] = [];
      const lines: [number, number, number][] = [];
      let ended = 0;
      const chunks: Uint8Array[] = [];
      const sink = {
        text: () => expect.fail('no text when the sink takes lines'),
        bytes: (b: Uint8Array) => chunks.push(b),
        lines: () => ({
          piece: (bytes: Uint8Array) => pieces.push(Buffer.from(bytes).toString('utf8')) - 1,
          line: (a: number, b: number, c: number) => void lines.push([a, b, c]),
          end: () => void ended++,
        }),
      };
      writeFlows(() => flowRowsOf(many), format, sink);
      expect([chunks.length, ended, lines.length]).toEqual([0, 1, many.length]);
      // Sources web, api, api-0 … api-6; destinations api, the CIDR, web; port lists: two.
      expect(pieces.length).toBe(9 + 3 + 2);
      expect(new Set(pieces).size).toBe(pieces.length);
      expect(lines.map(([a, b, c]) => pieces[a] + pieces[b] + pieces[c]).join('')).toBe(formatFlows(many, format));
    }
  });

  it('a text sink gets what the bytes decode to, a U+FEFF that starts a line kept at every chunk start', () => {
    const bom: Flow = { from: { ...api, namespace: '\ufeffprod' }, to: web, ports: flows[0].ports };
    const many = Array.from({ length: 4000 }, () => bom);
    for (const format of ['text', 'jsonl'] as const) {
      const texts: string[] = [];
      writeFlows(() => flowRowsOf(many), format, (t) => texts.push(t));
      expect(texts.length).toBeGreaterThan(1);
      expect(texts.every((t) => t.startsWith(format === 'text' ? '\ufeffprod/' : '{"from"'))).toBe(true);
      expect(texts.join('')).toBe(many.map((f) => `${format === 'text' ? formatFlow(f) : JSON.stringify(f)}\n`).join(''));
    }
  });
});
