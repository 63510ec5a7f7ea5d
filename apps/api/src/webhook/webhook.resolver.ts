import type { Caller } from '@palisade/shared-types';
import { CreateWebhookCommand, UpdateWebhookCommand, WebhooksService } from '@palisade/webhooks';
import { Args, ID, Mutation, Query, Resolver } from '@nestjs/graphql';

import { CurrentCaller } from '../common/current-actor.decorator';
import { CreateWebhookInput, toWebhookDeliveryModel, toWebhookModel, UpdateWebhookInput, WebhookDeliveryModel, WebhookModel } from './webhook.model';

/** Unscoped admins only. */
@Resolver(() => WebhookModel)
export class WebhookResolver {
  constructor(private readonly webhookService: WebhooksService) {}

  @Query(() => [WebhookModel])
  async webhooks(@CurrentCaller() caller: Caller): Promise<WebhookModel[]> {
    return (await this.webhookService.list(caller)).map(toWebhookModel);
  }

  @Query(() => WebhookModel)
  async webhook(@Args('id', { type: () => ID }) id: string, @CurrentCaller() caller: Caller): Promise<WebhookModel> {
    return toWebhookModel(await this.webhookService.get(id, caller));
  }

  @Query(() => [WebhookDeliveryModel], { description: 'The latest 100 deliveries, newest first, each with every attempt' })
  async webhookDeliveries(@Args('webhookId', { type: () => ID }) webhookId: string, @CurrentCaller() caller: Caller): Promise<WebhookDeliveryModel[]> {
    return (await this.webhookService.listDeliveries(webhookId, caller)).map(toWebhookDeliveryModel);
  }

  @Mutation(() => WebhookModel, { description: 'The secret is never returned' })
  async createWebhook(@Args('input') input: CreateWebhookInput, @CurrentCaller() caller: Caller): Promise<WebhookModel> {
    return toWebhookModel(await this.webhookService.create(CreateWebhookCommand.from({ ...input, caller })));
  }

  @Mutation(() => WebhookModel)
  async updateWebhook(@Args('id', { type: () => ID }) id: string, @Args('input') input: UpdateWebhookInput, @CurrentCaller() caller: Caller): Promise<WebhookModel> {
    return toWebhookModel(await this.webhookService.update(UpdateWebhookCommand.from({ ...input, id, caller })));
  }

  @Mutation(() => WebhookModel)
  async deleteWebhook(@Args('id', { type: () => ID }) id: string, @CurrentCaller() caller: Caller): Promise<WebhookModel> {
    return toWebhookModel(await this.webhookService.delete(id, caller));
  }

  @Mutation(() => WebhookDeliveryModel, { description: 'Queues the delivery again, with the same delivery id' })
  async redeliverWebhookDelivery(
    @Args('webhookId', { type: () => ID }) webhookId: string,
    @Args('deliveryId', { type: () => ID }) deliveryId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<WebhookDeliveryModel> {
    return toWebhookDeliveryModel(await this.webhookService.redeliver(webhookId, deliveryId, caller));
  }
}
