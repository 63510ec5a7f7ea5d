import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse, parseAllDocuments } from 'yaml';

import { BUILD_OUTPUTS } from '../../tools/build';

// No Docker here: the Dockerfile, docker-compose.yml and deploy/kubernetes are checked against what the
// build produces (test/boot/compiled-image.e2e-spec.ts runs those files as the image does).
const root = join(__dirname, '..', '..');
const read = (file: string): string => readFileSync(join(root, file), 'utf8');

/** `["node", "dist/x.js", ...]`: the build's file it runs, or null when it runs anything else. */
function builtFileRun(command: unknown): string | null {
  if (!Array.isArray(command) || command[0] !== 'node' || typeof command[1] !== 'string' || !command[1].startsWith('dist/')) return null;
  return command[1].slice('dist/'.length);
}

interface Stage {
  from: string;
  lines: string[];
}

function dockerfileStages(text: string): Stage[] {
  const logical = text.replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of logical) {
    if (/^FROM /i.test(line)) stages.push({ from: line, lines: [] });
    else stages.at(-1)?.lines.push(line);
  }
  return stages;
}

describe('Dockerfile', () => {
  const stages = dockerfileStages(read('Dockerfile'));
  const [build, production] = [stages[0], stages.at(-1)] as [Stage, Stage];
  const instruction = (stage: Stage, name: string): string[] => stage.lines.filter((line) => line.toUpperCase().startsWith(`${name} `));

  it('builds in one stage and ships another: compiled JavaScript, production dependencies only', () => {
    expect(stages).toHaveLength(2);
    expect(build.from).toMatch(/ AS build$/);
    expect(instruction(build, 'RUN')).toEqual(['RUN npm ci --no-audit --no-fund', 'RUN npm run -s build']);
    expect(instruction(production, 'RUN').join('\n')).toContain('npm ci --omit=dev');
    expect(instruction(production, 'COPY')).toEqual(['COPY package.json package-lock.json ./', 'COPY --from=build /app/dist ./dist', 'COPY prisma/migrations ./prisma/migrations']);
  });

  it("runs with glibc's malloc on transparent huge pages, as bin/palisade.cjs runs the CLI", () => {
    expect(instruction(production, 'ENV')).toContain('ENV GLIBC_TUNABLES=glibc.malloc.hugetlb=1');
  });

  it('runs node on the compiled API as a non-root user, with a HEALTHCHECK on /healthz', () => {
    expect(instruction(production, 'USER')).toEqual(['USER node']);
    const cmd = JSON.parse(instruction(production, 'CMD')[0]?.slice('CMD '.length) ?? 'null') as unknown;
    expect(cmd).toEqual(['node', 'dist/api/main.js']);
    expect(BUILD_OUTPUTS).toContain(builtFileRun(cmd));
    const [healthcheck] = instruction(production, 'HEALTHCHECK');
    expect(healthcheck).toContain('/healthz');
    expect(healthcheck).toContain('process.exit(r.ok ? 0 : 1)');
  });
});

describe('docker-compose.yml', () => {
  const text = read('docker-compose.yml');
  const compose = parse(text) as { services: Record<string, { build?: string; command?: unknown; environment?: Record<string, string>; healthcheck?: { test: string[] } }> };
  const built = Object.entries(compose.services).filter(([, service]) => service.build === '.');

  it('runs only files the build produces, in the image', () => {
    expect(built.map(([name]) => name).sort()).toEqual(['api', 'migrate', 'sync-worker']);
    for (const [name, service] of built) {
      const file = builtFileRun(service.command ?? ['node', 'dist/api/main.js']);
      expect(BUILD_OUTPUTS, name).toContain(file);
    }
    expect(compose.services['migrate']?.command).toEqual(['node', 'dist/tools/db-migrate.js']);
    expect(compose.services['sync-worker']?.command).toEqual(['node', 'dist/sync-worker/main.js']);
    expect(compose.services['sync-worker']?.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3001/healthz');
  });

  it('requires PALISADE_BOOTSTRAP_ADMIN_TOKEN and every other variable with a message saying what to set', () => {
    const required = [...text.matchAll(/\$\{([A-Z_]+):\?([^}]*)\}/g)].map((m) => ({ name: m[1] as string, message: (m[2] ?? '').trim() }));
    for (const { name, message } of required) expect(message, name).toMatch(new RegExp(`^set ${name}\\b.{10,}`));
    expect(compose.services['api']?.environment?.['PALISADE_BOOTSTRAP_ADMIN_TOKEN']).toMatch(/^\$\{PALISADE_BOOTSTRAP_ADMIN_TOKEN:\?set PALISADE_BOOTSTRAP_ADMIN_TOKEN /);
    // A variable used without a message somewhere is required with one elsewhere (compose stops on the first).
    const names = new Set(required.map((r) => r.name));
    for (const [, name] of text.matchAll(/\$\{([A-Z_]+)\}/g)) expect(names, name).toContain(name);
    expect([...names].sort()).toEqual(['PALISADE_APP_DB_PASSWORD', 'PALISADE_AUDIT_SIGNING_KEY', 'PALISADE_BOOTSTRAP_ADMIN_TOKEN', 'PALISADE_SECRET_KEY']);
  });
});

describe('deploy/kubernetes', () => {
  it("runs only files the build produces, as a non-root user, with the keys from the Secret", () => {
    const dir = join(root, 'deploy', 'kubernetes');
    const workloads = readdirSync(dir)
      .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
      .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as { kind: string; metadata: { name: string }; spec?: Record<string, unknown> }))
      .filter((object) => object.kind === 'Deployment' || object.kind === 'Job');
    expect(workloads.map((w) => w.metadata.name).sort()).toEqual(['palisade-api', 'palisade-db-migrate', 'palisade-sync-worker']);
    const secretKeys = new Set<string>();
    for (const workload of workloads) {
      const pod = (workload.spec?.['template'] as { spec: { securityContext: { runAsNonRoot: boolean }; containers: { command: string[]; env: { name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[] }[] } }).spec;
      expect(pod.securityContext.runAsNonRoot, workload.metadata.name).toBe(true);
      for (const container of pod.containers) {
        expect(BUILD_OUTPUTS, workload.metadata.name).toContain(builtFileRun(container.command));
        for (const variable of container.env) {
          const ref = variable.valueFrom?.secretKeyRef;
          if (ref) {
            expect(ref).toMatchObject({ name: 'palisade', key: variable.name });
            secretKeys.add(ref.key);
          }
        }
      }
    }
    expect([...secretKeys].sort()).toEqual([
      'DATABASE_URL',
      'MIGRATION_DATABASE_URL',
      'PALISADE_APP_DB_PASSWORD',
      'PALISADE_AUDIT_SIGNING_KEY',
      'PALISADE_BOOTSTRAP_ADMIN_TOKEN',
      'PALISADE_SECRET_KEY',
    ]);
  });
});
