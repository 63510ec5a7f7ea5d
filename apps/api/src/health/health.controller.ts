import { OperationalStatusRepository } from '@palisade/persistence';
import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { Public } from '../auth/public.decorator';
import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';

@ApiTags('health')
@Public() // probes carry no token
@Controller()
export class HealthController {
  constructor(private readonly status: OperationalStatusRepository) {}

  /** Liveness: the process answers HTTP. Never touches the database, so an outage does not restart healthy pods. */
  @Get('healthz')
  @ApiOperation({ summary: 'Liveness probe', security: [] })
  @ApiOkResponse({ description: 'The process is alive', schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] } } }, example: { status: 'ok' } })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Readiness: the database answers and holds every migration this build ships. */
  @Get('readyz')
  @ApiOperation({ summary: 'Readiness probe', security: [] })
  @ApiOkResponse({
    description: 'The database is reachable and its schema is current',
    schema: { type: 'object', properties: { status: { type: 'string', enum: ['ok'] }, database: { type: 'string', enum: ['ok'] }, migrations: { type: 'string', enum: ['current'] } } },
    example: { status: 'ok', database: 'ok', migrations: 'current' },
  })
  @ApiProblemResponses(503)
  async ready(): Promise<{ status: 'ok'; database: 'ok'; migrations: 'current' }> {
    try {
      await this.status.ping();
    } catch {
      throw new ServiceUnavailableException('database unreachable');
    }
    const pending = await this.status.pendingMigrations().catch(() => {
      throw new ServiceUnavailableException('database unreachable');
    });
    if (pending.length > 0) throw new ServiceUnavailableException(`database schema is behind: ${pending.length} migration(s) pending (${pending.join(', ')})`);
    return { status: 'ok', database: 'ok', migrations: 'current' };
  }
}
