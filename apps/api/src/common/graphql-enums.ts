import { registerEnumType } from '@nestjs/graphql';

/** GraphQL enums of values REST sends as plain strings; the values are the same on both transports. */

export enum ActorKind {
  human = 'human',
  bot = 'bot',
  system = 'system',
}
registerEnumType(ActorKind, { name: 'ActorKind', description: 'A person, an automation, or a Palisade process (system)' });

export enum PrincipalKind {
  human = 'human',
  bot = 'bot',
}
registerEnumType(PrincipalKind, { name: 'PrincipalKind', description: 'Bots cannot approve unless an approval rule allows it' });

export enum RoleName {
  admin = 'admin',
  approver = 'approver',
  proposer = 'proposer',
  auditor = 'auditor',
  reporter = 'reporter',
}
registerEnumType(RoleName, { name: 'Role' });

export enum AnalysisStatus {
  PENDING = 'PENDING',
  READY = 'READY',
  FAILED = 'FAILED',
}
registerEnumType(AnalysisStatus, { name: 'AnalysisStatus', description: 'PENDING until the analysis of the current revision is READY or FAILED' });

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });
