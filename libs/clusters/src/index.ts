export * from './lib/clusters.exception';
export * from './lib/clusters.module';
export * from './lib/clusters.service';
export * from './lib/is-label-map.validator';
export * from './lib/register-cluster.command';
