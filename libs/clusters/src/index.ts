export * from './lib/clusters.exception';
export * from './lib/clusters.module';
export * from './lib/clusters.service';
export * from './lib/kubernetes-names.validator';
export * from './lib/register-cluster.command';
