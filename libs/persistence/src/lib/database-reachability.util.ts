import { Client } from 'pg';

/** Host, port and database of a URL, without credentials: safe to print. */
export function describeDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

/**
 * Connects once to the database and returns null when it answers, else one line saying what is
 * wrong (unreachable, refused, unknown database, bad credentials) and where, never the credentials.
 */
export async function databaseProblem(url: string, timeoutMs = 10_000): Promise<string | null> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined); // a connection dropped after connect is reported by the query below
  try {
    await client.connect();
    await client.query('SELECT 1');
    return null;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ECONNREFUSED'
        ? 'connection refused (is PostgreSQL running there?)'
        : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
          ? 'host not found'
          : error instanceof Error && error.message
            ? error.message.split('\n')[0]
            : String(error);
    return `cannot use the database at ${describeDatabaseUrl(url)}: ${reason}; check DATABASE_URL`;
  } finally {
    await client.end().catch(() => undefined);
  }
}
