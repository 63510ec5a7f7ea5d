import { generateKeyPairSync, type KeyObject, verify } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Client } from 'pg';

import { runCli } from '../../apps/cli/src/run-cli.util';
import { loadApiEnv } from '../../apps/api/src/config/env';
import { auditEventHash } from '../../libs/audit/src';
import type { AuditEventRecord } from '../../libs/persistence/src';
import { connectTo, TEST_APP_DB_ROLE } from '../../libs/testing/src';
import { createTestApp, type TestApp } from '../support/test-app';

interface ExportedEvent extends Omit<AuditEventRecord, 'createdAt'> {
  type: 'event';
  createdAt: string;
}

const signingKeyPair = (): { privatePem: string; publicPem: string; publicKey: KeyObject } => {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    publicKey,
  };
};

const parseLines = (text: string): Record<string, unknown>[] =>
  text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

/** Re-hashes the chain from `fromSeq` on, as someone who can write every row would after an edit. */
function rehash(events: ExportedEvent[], fromSeq: number): ExportedEvent[] {
  let prevHash = events.find((e) => e.seq === fromSeq - 1)?.hash ?? '0'.repeat(64);
  return events.map((event) => {
    if (event.seq < fromSeq) return event;
    const hash = auditEventHash(prevHash, { ...event, createdAt: new Date(event.createdAt) });
    const next = { ...event, prevHash, hash };
    prevHash = hash;
    return next;
  });
}

async function exportAs(t: TestApp, token?: string): Promise<{ text: string; headers: Record<string, string> }> {
  const agent = token ? t.as(token) : t.http;
  const response = await agent
    .get('/api/v1/audit/export')
    .buffer(true)
    .parse((res, done) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => done(null, text));
    })
    .expect(200);
  return { text: response.body as string, headers: response.headers as Record<string, string> };
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = { out: '', err: '', cwd: process.cwd(), stdout: (s: string) => void (io.out += s), stderr: (s: string) => void (io.err += s) };
  const code = await runCli(args, io);
  return { code, out: io.out, err: io.err };
}

describe('an audit trail that the application\'s own database role cannot rewrite', () => {
  const key = signingKeyPair();
  let t: TestApp;
  let owner: Client;
  let appRole: Client;
  let dir: string;
  let publicKeyFile: string;

  beforeAll(async () => {
    t = await createTestApp({ PALISADE_AUDIT_SIGNING_KEY: key.privatePem, AUDIT_CHECKPOINT_INTERVAL_MS: '0' });
    owner = await connectTo(t.db.url);
    appRole = await connectTo(t.db.appUrl);
    dir = mkdtempSync(join(tmpdir(), 'palisade-audit-'));
    publicKeyFile = join(dir, 'audit.pub.pem');
    writeFileSync(publicKeyFile, key.publicPem);
    for (const name of ['alpha', 'beta', 'gamma']) await t.http.post('/api/v1/clusters').send({ name }).expect(201);
  });
  afterAll(async () => {
    await appRole.end();
    await owner.end();
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the application as a role that owns no table', async () => {
    await t.http.get('/api/v1/audit/verify').expect(200);
    const { rows } = await owner.query<{ usename: string }>('SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [t.db.name]);
    expect(rows.map((row) => row.usename)).toEqual([TEST_APP_DB_ROLE]);
    const owned = await owner.query('SELECT tablename FROM pg_tables WHERE tableowner = $1', [TEST_APP_DB_ROLE]);
    expect(owned.rows).toEqual([]);
    const privileges = await owner.query<{ table_name: string; privilege_type: string }>(
      `SELECT table_name, privilege_type FROM information_schema.role_table_grants
        WHERE grantee = $1 AND table_name IN ('audit_events', 'audit_checkpoints') ORDER BY table_name, privilege_type`,
      [TEST_APP_DB_ROLE],
    );
    expect(privileges.rows).toEqual([
      { table_name: 'audit_checkpoints', privilege_type: 'INSERT' },
      { table_name: 'audit_checkpoints', privilege_type: 'SELECT' },
      { table_name: 'audit_events', privilege_type: 'INSERT' },
      { table_name: 'audit_events', privilege_type: 'SELECT' },
    ]);
  });

  it.each([
    ['disabling the triggers', 'ALTER TABLE audit_events DISABLE TRIGGER ALL'],
    ['replica mode, which skips triggers', 'SET session_replication_role = replica'],
    ['an UPDATE', "UPDATE audit_events SET actor_name = 'mallory' WHERE seq = 1"],
    ['a DELETE', 'DELETE FROM audit_events WHERE seq = 1'],
    ['a TRUNCATE', 'TRUNCATE audit_events'],
    ['dropping the guard trigger', 'DROP TRIGGER audit_events_no_update_or_delete ON audit_events'],
    ['rewriting a checkpoint', "UPDATE audit_checkpoints SET hash = 'x'"],
    ['removing checkpoints', 'DELETE FROM audit_checkpoints'],
    ['disabling the checkpoint triggers', 'ALTER TABLE audit_checkpoints DISABLE TRIGGER ALL'],
    ['removing the chain head', 'DELETE FROM audit_chain_head'],
  ])('refuses %s to the application role (42501)', async (_what, statement) => {
    await expect(appRole.query(statement)).rejects.toMatchObject({ code: '42501' });
    expect((await t.http.get('/api/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true, firstBroken: null });
  });

  it('signs checkpoints of the head with the Ed25519 key and publishes the public key', async () => {
    const created = await t.http.post('/api/v1/audit/checkpoints').expect(201);
    const head = (await t.http.get('/api/v1/audit/verify').expect(200)).body as { headSeq: number; headHash: string };
    expect(created.body).toMatchObject({ created: true, checkpoint: { number: 1, seq: head.headSeq, hash: head.headHash } });
    // The head has not moved: no second checkpoint of the same event.
    expect((await t.http.post('/api/v1/audit/checkpoints').expect(200)).body).toMatchObject({ created: false, checkpoint: { number: 1 } });

    const published = await t.http.get('/api/v1/audit/public-key').expect(200);
    expect(published.body).toMatchObject({ algorithm: 'Ed25519', publicKey: key.publicPem });
    const page = await t.http.get('/api/v1/audit/checkpoints').expect(200);
    expect(page.body).toMatchObject({ publicKey: key.publicPem, keyId: published.body.keyId, nextCursor: null });
    expect(page.body.items).toHaveLength(1);
    const checkpoint = page.body.items[0] as { number: number; seq: number; hash: string; time: string; signature: string };
    // The documented message, rebuilt here by hand, is what the signature covers.
    const message = `palisade-audit-checkpoint/1\n{"hash":"${checkpoint.hash}","number":1,"seq":${checkpoint.seq},"time":"${checkpoint.time}"}`;
    expect(verify(null, Buffer.from(message), key.publicKey, Buffer.from(checkpoint.signature, 'base64'))).toBe(true);
    const { rows } = await owner.query('SELECT count(*)::int AS n FROM audit_checkpoints');
    expect(rows[0].n).toBe(1);

    expect((await t.http.get('/api/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true, checkpointsChecked: 1, anchoredSeq: head.headSeq, scope: null });

    const scoped = await t.mintToken({ name: 'alpha-auditor-cp', roles: ['auditor'], clusters: ['alpha'] });
    expect((await t.as(scoped.token).get('/api/v1/audit/checkpoints').expect(403)).body.code).toBe('FORBIDDEN');
    const proposer = await t.mintToken({ name: 'proposer-cp', roles: ['proposer'] });
    await t.as(proposer.token).post('/api/v1/audit/checkpoints').expect(403);
    await t.http.get('/api/v1/audit/checkpoints?limit=0').expect(400);
  });

  it('streams the export as JSON Lines that `palisade audit verify` checks offline', async () => {
    await t.http.post('/api/v1/audit/checkpoints').expect(201);
    const { text, headers } = await exportAs(t);
    expect(headers['content-type']).toMatch(/^application\/jsonl/);
    expect(headers['content-length']).toBeUndefined();
    expect(headers['transfer-encoding']).toBe('chunked');
    const lines = parseLines(text);
    const head = (await t.http.get('/api/v1/audit/verify').expect(200)).body as { headSeq: number; headHash: string };
    expect(lines[0]).toMatchObject({ type: 'export', format: 'palisade-audit-export/1', scope: null, headSeq: head.headSeq, headHash: head.headHash });
    expect(lines.filter((l) => l['type'] === 'checkpoint').map((l) => l['number'])).toEqual([1, 2]);
    const events = lines.filter((l) => l['type'] === 'event') as unknown as ExportedEvent[];
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: head.headSeq }, (_, i) => i + 1));

    const file = join(dir, 'export.jsonl');
    writeFileSync(file, text);
    const ok = await cli(['audit', 'verify', file, '--public-key', publicKeyFile]);
    expect(ok).toMatchObject({ code: 0, err: '' });
    expect(ok.out).toContain(`audit export verified: ${head.headSeq} event(s) linked from the first to the head, 2 signed checkpoint(s) match`);
    const json = await cli(['audit', 'verify', file, '--public-key', publicKeyFile, '-o', 'json']);
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, eventsChecked: head.headSeq, checkpointsChecked: 2, anchoredSeq: head.headSeq, problem: null });

    // An edited event, not re-hashed.
    const registered = events.find((e) => e.action === 'cluster.registered' && e.clusterName === 'beta') as ExportedEvent;
    const edited = events.map((e) => (e.seq === registered.seq ? { ...e, actor: { ...e.actor, name: 'mallory' } } : e));
    const header = JSON.stringify(lines[0]);
    const checkpointLines = lines.filter((l) => l['type'] === 'checkpoint').map((l) => JSON.stringify(l));
    const write = (name: string, evs: ExportedEvent[]): string => {
      const path = join(dir, name);
      writeFileSync(path, [header, ...checkpointLines, ...evs.map((e) => JSON.stringify(e))].join('\n') + '\n');
      return path;
    };
    const naive = await cli(['audit', 'verify', write('naive.jsonl', edited), '--public-key', publicKeyFile]);
    expect(naive.code).toBe(1);
    expect(naive.err).toContain(`HASH_MISMATCH at line ${lines.length - events.length + registered.seq}, event ${registered.seq}`);

    // The same edit, with every later hash recomputed: only the signed checkpoints give it away.
    const rehashed = rehash(edited, registered.seq);
    const tail = rehashed.at(-1) as ExportedEvent;
    const forgedHeader = JSON.stringify({ ...lines[0], headHash: tail.hash });
    const path = join(dir, 'rehashed.jsonl');
    writeFileSync(path, [forgedHeader, ...checkpointLines, ...rehashed.map((e) => JSON.stringify(e))].join('\n') + '\n');
    const caught = await cli(['audit', 'verify', path, '--public-key', publicKeyFile]);
    expect(caught.code).toBe(1);
    expect(caught.err).toMatch(/CHECKPOINT_MISMATCH at line \d+, event \d+: event \d+ has another hash than checkpoint 1 signed at/);

    const otherKey = join(dir, 'other.pub.pem');
    writeFileSync(otherKey, signingKeyPair().publicPem);
    const wrongKey = await cli(['audit', 'verify', file, '--public-key', otherKey]);
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.err).toContain('CHECKPOINT_SIGNATURE_INVALID');

    // The newest events cut off, with the checkpoint that signs the head left in.
    const truncated = await cli(['audit', 'verify', write('truncated.jsonl', events.slice(0, -2)), '--public-key', publicKeyFile]);
    expect(truncated.code).toBe(1);
    expect(truncated.err).toContain(`CHECKPOINT_MISMATCH`);
    expect(truncated.err).toContain(`but the chain ends at event ${head.headSeq - 2}: events were removed`);
    const garbled = join(dir, 'garbled.jsonl');
    writeFileSync(garbled, `${header}\nnot json\n`);
    expect(await cli(['audit', 'verify', garbled, '--public-key', publicKeyFile])).toMatchObject({ code: 1, err: expect.stringContaining('EXPORT_INVALID at line 2: line 2 is not JSON') });

    expect((await cli(['audit', 'verify', file])).code).toBe(2);
    expect((await cli(['audit', 'verify', join(dir, 'missing.jsonl'), '--public-key', publicKeyFile])).err).toContain('cannot read');
    const notKey = await cli(['audit', 'verify', file, '--public-key', file]);
    expect(notKey).toMatchObject({ code: 1 });
    expect(notKey.err).toContain('is not an SPKI public key');
  });

  it("reports to a scoped auditor on its clusters' events only, without the global count, head or other clusters", async () => {
    const auditor = await t.mintToken({ name: 'alpha-auditor', roles: ['auditor'], clusters: ['alpha'] });
    // The head is another cluster's event.
    await t.http.post('/api/v1/clusters').send({ name: 'delta' }).expect(201);
    const admin = (await t.http.get('/api/v1/audit/verify').expect(200)).body as { headSeq: number; headHash: string };
    const visible = (await t.as(auditor.token).get('/api/v1/audit?limit=500').expect(200)).body.items as { id: string; cluster: string | null }[];
    const verified = await t.as(auditor.token).get('/api/v1/audit/verify').expect(200);
    expect(verified.body).toEqual({ ok: true, eventsChecked: visible.length, headSeq: null, headHash: null, checkpointsChecked: null, anchoredSeq: null, scope: ['alpha'], firstBroken: null });
    expect(visible.length).toBeLessThan(admin.headSeq);

    const { text } = await exportAs(t, auditor.token);
    expect(text).not.toContain(admin.headHash);
    expect(text).not.toContain('"beta"');
    expect(text).not.toContain('"delta"');
    const lines = parseLines(text);
    expect(lines[0]).toMatchObject({ type: 'export', scope: ['alpha'], headSeq: null, headHash: null, keyId: null });
    expect(lines.filter((l) => l['type'] === 'checkpoint')).toEqual([]);
    expect(lines.filter((l) => l['type'] === 'event').map((l) => l['id'])).toEqual(visible.map((e) => e.id).reverse());
    const file = join(dir, 'alpha.jsonl');
    writeFileSync(file, text);
    const checked = await cli(['audit', 'verify', file, '--public-key', publicKeyFile]);
    expect(checked).toMatchObject({ code: 0, err: '' });
    expect(checked.out).toContain(`audit export of alpha verified: ${visible.length} event(s), each matching its hash`);
  });

  it('finds a history the owner rewrote behind the triggers and re-hashed to the head', async () => {
    const events = (parseLines((await exportAs(t)).text).filter((l) => l['type'] === 'event') as unknown as ExportedEvent[]);
    const target = events.find((e) => e.action === 'cluster.registered' && e.clusterName === 'beta') as ExportedEvent;
    const rewritten = rehash(
      events.map((e) => (e.seq === target.seq ? { ...e, actor: { ...e.actor, name: 'mallory' } } : e)),
      target.seq,
    );
    // The owner (here the superuser that migrated) can switch the guard triggers off and rewrite rows.
    await owner.query('BEGIN');
    await owner.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    for (const e of rewritten.filter((x) => x.seq >= target.seq)) {
      await owner.query('UPDATE audit_events SET actor_name = $1, prev_hash = $2, hash = $3 WHERE seq = $4', [e.actor.name, e.prevHash, e.hash, e.seq]);
    }
    await owner.query('UPDATE audit_chain_head SET last_hash = $1 WHERE id = 1', [(rewritten.at(-1) as ExportedEvent).hash]);
    await owner.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    await owner.query('COMMIT');

    const broken = await t.http.get('/api/v1/audit/verify').expect(200);
    // Every link holds (no HASH_MISMATCH, no PREV_HASH_MISMATCH): only the checkpoint contradicts the chain.
    expect(broken.body).toMatchObject({ ok: false, firstBroken: { reason: 'CHECKPOINT_MISMATCH' } });
    expect(broken.body.firstBroken.seq).toBeGreaterThanOrEqual(target.seq);
    expect(broken.body.firstBroken.message).toMatch(/has another hash than checkpoint \d+ signed at .*: the history up to it was rewritten/);
    const gql = await t.gql<{ verifyAudit: { ok: boolean; firstBroken: { reason: string } } }>('{ verifyAudit { ok anchoredSeq scope firstBroken { seq reason } } }');
    expect(gql.data?.verifyAudit).toMatchObject({ ok: false, firstBroken: { reason: 'CHECKPOINT_MISMATCH' } });

    // A beta event was rewritten: an alpha auditor hears that the chain is broken, not where.
    const auditor = await t.mintToken({ name: 'alpha-auditor-2', roles: ['auditor'], clusters: ['alpha'] });
    const scoped = await t.as(auditor.token).get('/api/v1/audit/verify').expect(200);
    expect(scoped.body).toMatchObject({ ok: false, headSeq: null, headHash: null, firstBroken: { seq: null, eventId: null, reason: 'CHECKPOINT_MISMATCH' } });
    expect(JSON.stringify(scoped.body)).not.toContain(target.id);
  });
});

describe('audit checkpoints an attacker removes or forges', () => {
  const key = signingKeyPair();
  let t: TestApp;
  let owner: Client;

  beforeAll(async () => {
    t = await createTestApp({ PALISADE_AUDIT_SIGNING_KEY: key.privatePem.replace(/-----[^-]+-----|\s/g, ''), AUDIT_CHECKPOINT_INTERVAL_MS: '0' });
    owner = await connectTo(t.db.url);
    for (const name of ['one', 'two', 'three']) {
      await t.http.post('/api/v1/clusters').send({ name }).expect(201);
      await t.http.post('/api/v1/audit/checkpoints').expect(201);
    }
  });
  afterAll(async () => {
    await owner.end();
    await t.close();
  });

  it('reads the key as base64 DER too, and reports a removed checkpoint as CHECKPOINT_MISSING', async () => {
    expect((await t.http.get('/api/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true, checkpointsChecked: 3 });
    await owner.query('ALTER TABLE audit_checkpoints DISABLE TRIGGER USER');
    await owner.query('DELETE FROM audit_checkpoints WHERE number = 2');
    await owner.query('ALTER TABLE audit_checkpoints ENABLE TRIGGER USER');
    const broken = await t.http.get('/api/v1/audit/verify').expect(200);
    expect(broken.body).toMatchObject({ ok: false, firstBroken: { reason: 'CHECKPOINT_MISSING', message: 'checkpoint 2 is missing (the next one stored is 3): checkpoints were removed' } });
  });

  it('reports a checkpoint not signed by the key as CHECKPOINT_SIGNATURE_INVALID', async () => {
    const { rows } = await owner.query<{ seq: string; hash: string }>('SELECT seq, hash FROM audit_events WHERE seq = 2');
    const row = rows[0] as { seq: string; hash: string };
    await owner.query(
      `INSERT INTO audit_checkpoints (created_at, hash, key_id, number, seq, signature) VALUES (now(), $1, 'forged', 2, $2, $3)`,
      [row.hash, row.seq, Buffer.alloc(64).toString('base64')],
    );
    const broken = await t.http.get('/api/v1/audit/verify').expect(200);
    expect(broken.body).toMatchObject({ ok: false, firstBroken: { reason: 'CHECKPOINT_SIGNATURE_INVALID', seq: 2 } });
  });
});

describe('audit checkpoints without a signing key', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.http.post('/api/v1/clusters').send({ name: 'solo' }).expect(201);
  });
  afterAll(async () => t.close());

  it('verifies the chain alone and answers 409 AUDIT_SIGNING_KEY_MISSING for checkpoints', async () => {
    expect((await t.http.get('/api/v1/audit/verify').expect(200)).body).toMatchObject({ ok: true, checkpointsChecked: null, anchoredSeq: null });
    expect((await t.http.post('/api/v1/audit/checkpoints').expect(409)).body.code).toBe('AUDIT_SIGNING_KEY_MISSING');
    expect((await t.http.get('/api/v1/audit/public-key').expect(409)).body.code).toBe('AUDIT_SIGNING_KEY_MISSING');
  });

  it('refuses a PALISADE_AUDIT_SIGNING_KEY that is no Ed25519 private key at boot', () => {
    const base = { DATABASE_URL: 'postgresql://localhost/x', PALISADE_SECRET_KEY: Buffer.alloc(32, 7).toString('base64') };
    expect(() => loadApiEnv({ ...base, PALISADE_AUDIT_SIGNING_KEY: 'not a key' })).toThrow(/PALISADE_AUDIT_SIGNING_KEY is no PKCS#8 private key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadApiEnv({ ...base, PALISADE_AUDIT_SIGNING_KEY: rsa })).toThrow(/PALISADE_AUDIT_SIGNING_KEY must be an Ed25519 key, not rsa/);
    expect(() => loadApiEnv({ ...base, AUDIT_CHECKPOINT_INTERVAL_MS: '-1' })).toThrow(/AUDIT_CHECKPOINT_INTERVAL_MS/);
  });
});
