import { Metrics, metricsScrapeAllowed } from '@palisade/observability';
import { AuthErrorCode } from '@palisade/auth';
import { DomainException } from '@palisade/shared-types';
import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';

import { Public } from '../auth/public.decorator';
import { API_ENV } from '../config/api-env.token';
import type { ApiEnv } from '../config/env';

/** Prometheus scrape endpoint; open unless METRICS_TOKEN is set (see README, "Operations"). */
@ApiExcludeController()
@Public() // scrapers carry METRICS_TOKEN, not an API token
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: Metrics,
    @Inject(API_ENV) private readonly env: ApiEnv,
  ) {}

  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() res: Response): Promise<void> {
    if (!metricsScrapeAllowed(this.env.METRICS_TOKEN, authorization)) {
      throw new DomainException(AuthErrorCode.UNAUTHENTICATED, 'GET /metrics needs Authorization: Bearer <METRICS_TOKEN>');
    }
    const { contentType, body } = await this.metrics.exposition();
    res.type(contentType).send(body);
  }
}
