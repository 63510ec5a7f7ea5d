import { type ClusterConnectionRecord, ClusterConnectionRepository } from '@palisade/persistence';
import { Inject, Injectable } from '@nestjs/common';

import { POLICY_SYNC_OPTIONS, type PolicySyncOptions } from '../policy-sync.options';
import type { ClusterCredentials } from './cluster-credentials.type';
import { ConnectionCipher } from './connection-cipher';

/** Seals and opens connection credentials; the only place they exist in clear. */
@Injectable()
export class ConnectionCredentialsStore {
  private readonly cipher: ConnectionCipher;

  constructor(
    @Inject(POLICY_SYNC_OPTIONS) options: PolicySyncOptions,
    private readonly connections: ClusterConnectionRepository,
  ) {
    this.cipher = new ConnectionCipher(options.secretKey);
  }

  seal(clusterId: string, credentials: ClusterCredentials): Buffer {
    return this.cipher.encrypt(Buffer.from(JSON.stringify(credentials), 'utf8'), clusterId);
  }

  /** @throws CredentialsUnreadableError when sealed with another key. */
  open(record: ClusterConnectionRecord): ClusterCredentials {
    return JSON.parse(this.cipher.decrypt(record.credentials, record.clusterId).toString('utf8')) as ClusterCredentials;
  }

  async load(clusterId: string): Promise<{ record: ClusterConnectionRecord; credentials: ClusterCredentials } | null> {
    const record = await this.connections.findByClusterId(clusterId);
    return record ? { record, credentials: this.open(record) } : null;
  }
}
