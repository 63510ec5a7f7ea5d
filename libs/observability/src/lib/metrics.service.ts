import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, type GaugeConfiguration, Histogram, type HistogramConfiguration, Registry } from 'prom-client';

/** Seconds; from a fast query to a slow cluster apply. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

/**
 * One Prometheus registry per process (never prom-client's global one, so several apps in one test
 * process do not collide). Features declare their metrics here at construction; asking twice for a
 * name returns the same metric.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly byName = new Map<string, Histogram<string> | Gauge<string>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'palisade_' });
  }

  histogram<L extends string>(config: Omit<HistogramConfiguration<L>, 'registers'>): Histogram<L> {
    return this.once(config.name, () => new Histogram<L>({ buckets: DURATION_BUCKETS, ...config, registers: [this.registry] })) as Histogram<L>;
  }

  gauge<L extends string>(config: Omit<GaugeConfiguration<L>, 'registers'>): Gauge<L> {
    return this.once(config.name, () => new Gauge<L>({ ...config, registers: [this.registry] })) as Gauge<L>;
  }

  /** The Prometheus text exposition of every metric. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private once(name: string, create: () => Histogram<string> | Gauge<string>): Histogram<string> | Gauge<string> {
    let metric = this.byName.get(name);
    if (!metric) {
      metric = create();
      this.byName.set(name, metric);
    }
    return metric;
  }
}

/** Seconds since `start` (from process.hrtime.bigint()). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Reports a connection pool's usage on every scrape: `palisade_db_pool_connections{state}`. */
export function registerDatabasePoolMetrics(metrics: Metrics, usage: () => { max: number; total: number; idle: number; waiting: number }): void {
  metrics.gauge({
    name: 'palisade_db_pool_connections',
    help: 'PostgreSQL connection pool of this process: max (configured size), total (open), idle, waiting (queries queued for a connection)',
    labelNames: ['state'],
    collect() {
      const current = usage();
      for (const state of ['max', 'total', 'idle', 'waiting'] as const) this.set({ state }, current[state]);
    },
  });
}
