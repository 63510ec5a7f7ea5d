import 'reflect-metadata';

import { loadWorkerEnv } from '../env';

const KEY = Buffer.alloc(32, 1).toString('base64');

describe('PALISADE_SECRET_KEY and the sync settings are validated at boot', () => {
  it.each([
    ['missing', undefined],
    ['too short', Buffer.alloc(16, 1).toString('base64')],
    ['not base64 or hex', 'correct horse battery staple correct horse'],
  ])('refuses a key that is %s', (_case, key) => {
    expect(() => loadWorkerEnv({ DATABASE_URL: 'postgresql://localhost/x', PALISADE_SECRET_KEY: key })).toThrow(/PALISADE_SECRET_KEY must be 32 random bytes/);
  });

  it('reads the worker settings, with defaults', () => {
    const sut = loadWorkerEnv({ DATABASE_URL: 'postgresql://localhost/x', PALISADE_SECRET_KEY: 'ab'.repeat(32), SYNC_LEASE_TTL_MS: '5000' });
    expect(sut).toMatchObject({ SYNC_LEASE_TTL_MS: 5000, SYNC_POLL_MS: 1000, SYNC_CONCURRENCY: 8, DATABASE_POOL_SIZE: 10 });
    expect(sut.WORKER_ID).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
    expect(() => loadWorkerEnv({ DATABASE_URL: 'postgresql://localhost/x', PALISADE_SECRET_KEY: KEY, SYNC_LEASE_TTL_MS: '10' })).toThrow(/SYNC_LEASE_TTL_MS/);
    expect(() => loadWorkerEnv({ DATABASE_URL: 'postgresql://localhost/x', PALISADE_SECRET_KEY: KEY, WORKER_ID: 'has space' })).toThrow(/WORKER_ID/);
  });
});
