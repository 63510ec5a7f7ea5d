import { DomainException } from '@palisade/shared-types';

export enum ClustersErrorCode {
  CLUSTER_NOT_FOUND = 'CLUSTER_NOT_FOUND',
  CLUSTER_ALREADY_EXISTS = 'CLUSTER_ALREADY_EXISTS',
}

export class ClustersException extends DomainException<ClustersErrorCode> {
  static notFound(name: string): ClustersException {
    return new ClustersException(ClustersErrorCode.CLUSTER_NOT_FOUND, `cluster "${name}" not found`);
  }
}
