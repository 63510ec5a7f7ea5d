import type { ClusterCapabilities, ClusterConnectionRecord } from '@palisade/persistence';

import type { ClusterCredentials } from './cluster-credentials.type';

/** A connection as the API shows it: never the server's credentials. */
export interface ConnectionView {
  serverVersion: string;
  capabilities: ClusterCapabilities;
  authMethod: 'token' | 'client-certificate';
  checkedAt: Date;
  updatedAt: Date;
}

export function authMethodOf(credentials: ClusterCredentials): ConnectionView['authMethod'] {
  return credentials.token ? 'token' : 'client-certificate';
}

export function toConnectionView(record: ClusterConnectionRecord, credentials: ClusterCredentials): ConnectionView {
  return {
    serverVersion: record.serverVersion,
    capabilities: record.capabilities,
    authMethod: authMethodOf(credentials),
    checkedAt: record.checkedAt,
    updatedAt: record.updatedAt,
  };
}
