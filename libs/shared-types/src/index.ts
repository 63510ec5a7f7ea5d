export * from './lib/actor.type';
export * from './lib/kubernetes-names.util';
export * from './lib/domain.exception';
export * from './lib/load-env.util';
export * from './lib/page.type';
export * from './lib/validate-command.util';
