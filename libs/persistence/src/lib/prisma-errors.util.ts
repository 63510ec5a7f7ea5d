/** True for PostgreSQL unique-constraint violations as surfaced by Prisma (P2002) or the pg driver (23505). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; cause?: unknown };
  if (e.code === 'P2002' || e.code === '23505') return true;
  return e.cause !== undefined && e.cause !== error && isUniqueViolation(e.cause);
}
