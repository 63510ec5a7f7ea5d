import { type DynamicModule, Global, Module } from '@nestjs/common';

import { ClusterRepository } from './cluster.repository';
import { PolicySetVersionRepository } from './policy-set-version.repository';
import { PERSISTENCE_OPTIONS, type PersistenceOptions, PrismaService } from './prisma.service';

const repositories = [ClusterRepository, PolicySetVersionRepository];

@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    return {
      module: PersistenceModule,
      providers: [{ provide: PERSISTENCE_OPTIONS, useValue: options }, PrismaService, ...repositories],
      exports: [PrismaService, ...repositories],
    };
  }
}
