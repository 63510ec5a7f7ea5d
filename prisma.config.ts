import { defineConfig } from 'prisma/config';

// DATABASE_URL is only needed by `prisma migrate deploy` (where Prisma's schema engine is available);
// `prisma generate` reads nothing but the schema.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env['DATABASE_URL'] ?? 'postgresql://localhost:5432/palisade' },
});
