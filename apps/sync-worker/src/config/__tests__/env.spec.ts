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

  it('reads the webhook dispatcher settings: 5 s deadline, 24 h of retries, private addresses refused by default', () => {
    const sut = loadWorkerEnv({ DATABASE_URL: 'postgresql://localhost/x', PALISADE_SECRET_KEY: KEY, WEBHOOK_RETRY_BASE_MS: '50' });
    expect(sut).toMatchObject({ WEBHOOK_TIMEOUT_MS: 5000, WEBHOOK_RETRY_BASE_MS: 50, WEBHOOK_RETRY_WINDOW_MS: 86_400_000, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'false' });
    expect(() => loadWorkerEnv({ DATABASE_URL: 'postgresql://localhost/x', PALISADE_SECRET_KEY: KEY, WEBHOOK_RETRY_BASE_MS: '0' })).toThrow(/WEBHOOK_RETRY_BASE_MS/);
    expect(() => loadWorkerEnv({ DATABASE_URL: 'postgresql://localhost/x', PALISADE_SECRET_KEY: KEY, WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE_ADDRESSES must be true or false/);
    expect(() => loadWorkerEnv({ DATABASE_URL: 'postgresql://localhost/x', PALISADE_SECRET_KEY: KEY, PALISADE_PUBLIC_URL: 'palisade.example' })).toThrow(/PALISADE_PUBLIC_URL/);
  });
});
