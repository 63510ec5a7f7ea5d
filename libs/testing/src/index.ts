export * from './lib/test-database.util';
export * from './lib/test-app-role.constant';
