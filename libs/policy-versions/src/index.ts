export * from './lib/import-version.command';
export * from './lib/policy-set-input.util';
export * from './lib/policy-set-parse.task';
export * from './lib/policy-version.view';
export * from './lib/policy-versions.exception';
export * from './lib/policy-versions.module';
export * from './lib/policy-versions.service';
export * from './lib/stored-policies.util';
