export * from './lib/analysis';
export * from './lib/manifest';
