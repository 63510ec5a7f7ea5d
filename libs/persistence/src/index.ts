export * from './lib/cluster.record';
export * from './lib/cluster.repository';
export * from './lib/migrations/migration-runner';
export * from './lib/persistence.module';
export * from './lib/policy-set-version.record';
export * from './lib/policy-set-version.repository';
export { PrismaService, type PersistenceOptions, type TransactionClient } from './lib/prisma.service';
