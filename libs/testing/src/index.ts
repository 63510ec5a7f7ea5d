export * from './lib/test-database.util';
