/**
 * Transaction options for the worker's writes. One worker serves many clusters on a small
 * connection pool, and every audited write queues on the audit chain's head row: waiting a few
 * seconds for either is normal under load, not a failure (Prisma's default is 2 s).
 */
export const WORKER_TRANSACTION = { maxWait: 15_000, timeout: 30_000 } as const;
