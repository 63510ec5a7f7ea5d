/**
 * The same PostgreSQL server URL with another database name (credentials, host and query kept).
 *
 * @example withDatabase('postgresql://postgres@127.0.0.1:5432/postgres', 'palisade') // 'postgresql://postgres@127.0.0.1:5432/palisade'
 */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
