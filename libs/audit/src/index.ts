export * from './lib/audit-event.view';
export * from './lib/audit-hash.util';
export * from './lib/audit-query.command';
export * from './lib/audit-recorder';
export * from './lib/audit.module';
export * from './lib/audit.service';
export * from './lib/new-audit-event.type';
export * from './lib/webhook-outbox';
