import type { Caller } from '@palisade/shared-types';
import { CreateWebhookCommand, UpdateWebhookCommand, WebhooksService } from '@palisade/webhooks';
import { Body, Controller, Delete, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';

import { ApiProblemResponses } from '../openapi/api-problem-responses.decorator';
import { CurrentCaller } from '../common/current-actor.decorator';
import {
  CreateWebhookInput,
  toWebhookDeliveryModel,
  toWebhookModel,
  UpdateWebhookInput,
  WebhookDeliveryListModel,
  WebhookDeliveryModel,
  WebhookListModel,
  WebhookModel,
} from './webhook.model';

/** Unscoped admins only. */
@ApiTags('webhooks')
@ApiBearerAuth()
@ApiProblemResponses(401, 403)
@Controller('api/v1/webhooks')
export class WebhookController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @ApiCreatedResponse({ type: WebhookModel, description: 'The secret is never returned' })
  @ApiOperation({ summary: 'Subscribe a webhook' })
  @ApiProblemResponses(400)
  async create(@Body() input: CreateWebhookInput, @CurrentCaller() caller: Caller): Promise<WebhookModel> {
    return toWebhookModel(await this.webhooks.create(CreateWebhookCommand.from({ ...input, caller })));
  }

  @Get()
  @ApiOkResponse({ type: WebhookListModel })
  @ApiOperation({ summary: 'List webhooks' })
  async list(@CurrentCaller() caller: Caller): Promise<WebhookListModel> {
    return { items: (await this.webhooks.list(caller)).map(toWebhookModel) };
  }

  @Get(':id')
  @ApiOkResponse({ type: WebhookModel })
  @ApiOperation({ summary: 'Get a webhook' })
  @ApiProblemResponses(404)
  async get(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<WebhookModel> {
    return toWebhookModel(await this.webhooks.get(id, caller));
  }

  @Patch(':id')
  @ApiOkResponse({ type: WebhookModel, description: 'Absent fields keep their value' })
  @ApiOperation({ summary: 'Change a webhook' })
  @ApiProblemResponses(400, 404)
  async update(@Param('id') id: string, @Body() input: UpdateWebhookInput, @CurrentCaller() caller: Caller): Promise<WebhookModel> {
    return toWebhookModel(await this.webhooks.update(UpdateWebhookCommand.from({ ...input, id, caller })));
  }

  @Delete(':id')
  @ApiOkResponse({ type: WebhookModel, description: 'The deleted webhook; its pending deliveries are dropped' })
  @ApiOperation({ summary: 'Delete a webhook' })
  @ApiProblemResponses(404)
  async delete(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<WebhookModel> {
    return toWebhookModel(await this.webhooks.delete(id, caller));
  }

  @Get(':id/deliveries')
  @ApiOkResponse({ type: WebhookDeliveryListModel, description: 'The latest 100, newest first, each with every attempt' })
  @ApiOperation({ summary: "List a webhook's latest deliveries" })
  @ApiProblemResponses(404)
  async deliveries(@Param('id') id: string, @CurrentCaller() caller: Caller): Promise<WebhookDeliveryListModel> {
    return { items: (await this.webhooks.listDeliveries(id, caller)).map(toWebhookDeliveryModel) };
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @ApiCreatedResponse({ type: WebhookDeliveryModel, description: 'Queued again, due now, with the same delivery id' })
  @ApiOperation({ summary: 'Deliver a webhook event again' })
  @ApiProblemResponses(404)
  async redeliver(@Param('id') id: string, @Param('deliveryId') deliveryId: string, @CurrentCaller() caller: Caller): Promise<WebhookDeliveryModel> {
    return toWebhookDeliveryModel(await this.webhooks.redeliver(id, deliveryId, caller));
  }
}
