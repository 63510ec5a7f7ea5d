import { timingSafeEqual } from 'node:crypto';

/**
 * Whether a scrape may read /metrics: always when no METRICS_TOKEN is configured (Prometheus
 * scrapers usually carry no credentials; keep the port private instead), otherwise only with
 * `Authorization: Bearer <METRICS_TOKEN>`.
 */
export function metricsScrapeAllowed(metricsToken: string | undefined, authorization: string | undefined): boolean {
  if (!metricsToken) return true;
  const expected = Buffer.from(`Bearer ${metricsToken}`);
  const given = Buffer.from(authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
