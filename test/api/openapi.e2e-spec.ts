import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createTestApp, type TestApp } from '../support/test-app';

type Operation = {
  summary?: string;
  security?: Record<string, string[]>[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown>; example?: unknown }> };
  parameters?: { name: string; in: string }[];
  responses: Record<string, Response>;
};
type Response = {
  description?: string;
  headers?: Record<string, { schema?: Record<string, unknown> }>;
  content?: Record<string, { schema?: Record<string, unknown>; example?: unknown; examples?: Record<string, { value: unknown }> }>;
};
type Document = {
  security?: Record<string, string[]>[];
  components: { securitySchemes?: Record<string, { type: string; scheme?: string }>; schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
  paths: Record<string, Record<string, Operation>>;
};
type LintProblem = { ruleId: string; severity: 'error' | 'warn'; message: string; location: { pointer: string }[] };

const root = join(__dirname, '..', '..');
const PUBLIC_PATHS = ['/healthz', '/readyz'];

/** Runs `redocly lint` (recommended rules) on the document, as CI does. */
function redoclyLint(document: unknown): { problems: LintProblem[] } {
  const dir = mkdtempSync(join(tmpdir(), 'palisade-openapi-'));
  try {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const result = spawnSync(process.execPath, [join(root, 'node_modules', '@redocly', 'cli', 'bin', 'cli.js'), 'lint', file, '--extends', 'recommended', '--format', 'json', '--max-problems', '1000'], {
      cwd: dir, // no redocly.yaml there: the built-in recommended rules
      encoding: 'utf8',
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    const json = result.stdout.slice(result.stdout.indexOf('{'));
    if (!json) throw new Error(`redocly lint printed no report (exit ${result.status}): ${result.stderr}`);
    return JSON.parse(json) as { problems: LintProblem[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const operationsOf = (document: Document): [string, Operation][] =>
  Object.entries(document.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]));

describe('OpenAPI document (/api/docs/openapi.json)', () => {
  let t: TestApp;
  let document: Document;
  beforeAll(async () => {
    // A rate limit, as deployed (the suites' apps run without one).
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '300' });
    const response = await t.anonymous.get('/api/docs/openapi.json').expect(200);
    document = response.body as Document;
  });
  afterAll(() => t.close());

  it('has no error under redocly lint with the recommended rules', () => {
    const errors = redoclyLint(document).problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
  });

  it('defines the bearer scheme every authenticated operation requires, and marks the probes public with security: []', () => {
    expect(document.components.securitySchemes).toEqual({ bearer: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
    expect(document.security).toEqual([{ bearer: [] }]);
    for (const [name, operation] of operationsOf(document)) {
      const path = name.split(' ')[1];
      expect({ name, security: operation.security }).toEqual({ name, security: PUBLIC_PATHS.includes(path) ? [] : [{ bearer: [] }] });
    }
  });

  it('gives every operation a summary, a success response and problem+json responses with examples', () => {
    for (const [name, operation] of operationsOf(document)) {
      const statuses = Object.keys(operation.responses);
      expect({ name, summary: (operation.summary?.length ?? 0) > 0 }).toEqual({ name, summary: true });
      expect({ name, success: statuses.some((s) => /^2\d\d$/.test(s)) }).toEqual({ name, success: true });
      const contents = [...Object.values(operation.responses), operation.requestBody ?? { content: {} }].flatMap((r) => Object.values(r.content ?? {}));
      expect({ name, example: contents.some((c) => c.example !== undefined) }).toEqual({ name, example: true });
      if (PUBLIC_PATHS.includes(name.split(' ')[1])) continue;
      const problems = statuses.filter((s) => /^4\d\d$/.test(s));
      expect({ name, problems: problems.includes('401') }).toEqual({ name, problems: true });
      for (const status of problems) {
        const problem = operation.responses[status].content?.['application/problem+json'];
        expect({ name, status, schema: problem?.schema }).toEqual({ name, status, schema: { $ref: '#/components/schemas/ProblemModel' } });
        const examples = problem?.example !== undefined ? [problem.example] : Object.values(problem?.examples ?? {}).map((e) => e.value);
        const exampleStatuses = [...new Set(examples.map((e) => (e as { status?: number }).status))];
        expect({ name, status, exampleStatuses }).toEqual({ name, status, exampleStatuses: [Number(status)] });
      }
    }
  });

  it('documents 429 where the guards can answer it: RATE_LIMITED with Retry-After on every authenticated operation, POLICY_SETS_WAITING too where a policy set is read', () => {
    const tooManyRequests = (name: string): Response | undefined => {
      const [method, path] = name.split(' ');
      return document.paths[path][method.toLowerCase()].responses['429'];
    };
    const codesOf = (response: Response | undefined): string[] => Object.keys(response?.content?.['application/problem+json']?.examples ?? {});
    for (const [name] of operationsOf(document)) {
      if (PUBLIC_PATHS.includes(name.split(' ')[1])) {
        expect({ name, response: tooManyRequests(name) }).toEqual({ name, response: undefined });
        continue;
      }
      const response = tooManyRequests(name);
      const problem = response?.content?.['application/problem+json'];
      expect({ name, schema: problem?.schema, rateLimited: codesOf(response)[0] }).toEqual({ name, schema: { $ref: '#/components/schemas/ProblemModel' }, rateLimited: 'RATE_LIMITED' });
      expect({ name, retryAfter: response?.headers?.['Retry-After']?.schema }).toEqual({ name, retryAfter: expect.objectContaining({ type: 'integer' }) });
      for (const [code, { value }] of Object.entries(problem?.examples ?? {})) {
        expect({ name, example: value }).toEqual({ name, example: expect.objectContaining({ status: 429, code, type: `urn:palisade:problem:${code.toLowerCase().replace(/_/g, '-')}` }) });
        expect({ name, described: response?.description?.includes(code) }).toEqual({ name, described: true });
      }
    }
    expect(codesOf(tooManyRequests('GET /api/v1/clusters'))).toEqual(['RATE_LIMITED']);
    expect(codesOf(tooManyRequests('GET /api/v1/proposals/{id}'))).toEqual(['RATE_LIMITED']);
    expect(codesOf(tooManyRequests('POST /api/v1/clusters/{name}/versions/import'))).toEqual(['RATE_LIMITED', 'POLICY_SETS_WAITING']);
    expect(codesOf(tooManyRequests('PATCH /api/v1/proposals/{id}'))).toEqual(['RATE_LIMITED', 'POLICY_SETS_WAITING']);
    // Creating a proposal also counts against the open-proposal quotas; so does a revert, which creates one.
    expect(codesOf(tooManyRequests('POST /api/v1/clusters/{name}/proposals'))).toEqual(['RATE_LIMITED', 'POLICY_SETS_WAITING', 'PROPOSAL_QUOTA_EXCEEDED']);
    expect(codesOf(tooManyRequests('POST /api/v1/clusters/{name}/revert'))).toEqual(['RATE_LIMITED', 'PROPOSAL_QUOTA_EXCEEDED']);
    // The example and the description carry the configured limit.
    const clusters = tooManyRequests('GET /api/v1/clusters');
    expect(clusters?.content?.['application/problem+json']?.examples?.RATE_LIMITED?.value).toMatchObject({ detail: 'too many requests: this principal may make 300 requests per 60 s; retry after 42 s' });
    expect(clusters?.description).toContain('made the 300 requests RATE_LIMIT_PER_MINUTE allows this minute on the API process that answered (each process counts its own)');
    // The document's own route is public and not an operation of it.
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/api/docs'))).toEqual([]);
  });

  it('describes the proposal and import bodies, JSON and YAML, and declares the YAML query parameters', () => {
    for (const name of ['POST /api/v1/clusters/{name}/proposals', 'PATCH /api/v1/proposals/{id}']) {
      const [method, path] = name.split(' ');
      const operation = document.paths[path][method.toLowerCase()];
      const input = method === 'POST' ? 'CreateProposalInput' : 'UpdateProposalInput';
      expect(operation.requestBody?.content['application/json'].schema).toEqual({ $ref: `#/components/schemas/${input}` });
      expect(operation.requestBody?.content['application/json'].example).toBeDefined();
      expect(operation.requestBody?.content['application/yaml'].schema).toEqual({ type: 'string' });
      expect(operation.parameters?.filter((p) => p.in === 'query').map((p) => p.name).sort()).toEqual(
        ['baseVersion', 'description', 'mode', 'sourceCommit', 'sourceKind', 'sourceUrl', 'title'],
      );
    }
    const importBody = document.paths['/api/v1/clusters/{name}/versions/import']['post'].requestBody?.content;
    expect(importBody?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/ImportVersionInput' });
    expect(document.components.schemas['ImportVersionInput'].properties).toMatchObject({ policies: { type: 'array', items: { required: ['apiVersion', 'kind', 'metadata', 'spec'] } }, yaml: { type: 'string' } });
    expect(importBody?.['application/yaml'].schema).toEqual({ type: 'string' });
    const create = document.components.schemas['CreateProposalInput'].properties ?? {};
    expect(Object.keys(create).sort()).toEqual(['baseVersion', 'changes', 'description', 'policies', 'source', 'title', 'yaml']);
    expect(create['title']).toMatchObject({ type: 'string' });
    expect(create['baseVersion']).toMatchObject({ type: 'number', nullable: true });
    expect(create['policies']).toMatchObject({ type: 'array', items: { type: 'object', required: ['apiVersion', 'kind', 'metadata', 'spec'] } });
  });

  it('types no input field as a bare object (minApprovals, comments, titles, descriptions, flags)', () => {
    const bare = Object.entries(document.components.schemas)
      .filter(([schema]) => schema.endsWith('Input'))
      .flatMap(([schema, { properties }]) => Object.entries(properties ?? {}).map(([field, property]) => ({ field: `${schema}.${field}`, property })))
      .filter(({ property }) => property['type'] === 'object' && !property['properties'] && !property['additionalProperties'] && !property['allOf'] && !property['$ref'])
      .map(({ field }) => field);
    expect(bare).toEqual([]);
    expect(document.components.schemas['PutApprovalRuleInput'].properties?.['minApprovals']).toMatchObject({ type: 'integer', minimum: 0, maximum: 20 });
    expect(document.components.schemas['ReviewInput'].properties?.['comment']).toMatchObject({ type: 'string', nullable: true });
  });
});

describe('OpenAPI document without a rate limit (RATE_LIMIT_PER_MINUTE=0)', () => {
  let t: TestApp;
  let document: Document;
  beforeAll(async () => {
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '0' });
    document = (await t.anonymous.get('/api/docs/openapi.json').expect(200)).body as Document;
  });
  afterAll(() => t.close());

  it('documents no RATE_LIMITED: 429 only where another limit applies (policy sets waiting, proposal quotas)', () => {
    const with429 = operationsOf(document)
      .filter(([, operation]) => operation.responses['429'])
      .map(([name, operation]) => [name, Object.keys(operation.responses['429'].content?.['application/problem+json']?.examples ?? {})]);
    expect(with429.length).toBeGreaterThan(0);
    for (const [name, codes] of with429) {
      expect({ name, codes }).toEqual({ name, codes: expect.not.arrayContaining(['RATE_LIMITED']) });
      expect({ name, retryAfter: document.paths[(name as string).split(' ')[1]][(name as string).split(' ')[0].toLowerCase()].responses['429'].headers }).toEqual({ name, retryAfter: undefined });
    }
    expect(document.paths['/api/v1/clusters'].get.responses['429']).toBeUndefined();
    expect(Object.fromEntries(with429)['POST /api/v1/clusters/{name}/revert']).toEqual(['PROPOSAL_QUOTA_EXCEEDED']);
  });
});
