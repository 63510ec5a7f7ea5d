export * from './lib/analysis';
export * from './lib/findings';
export * from './lib/manifest';
