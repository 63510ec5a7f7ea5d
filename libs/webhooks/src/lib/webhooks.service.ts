import { randomUUID } from 'node:crypto';

import { AuditRecorder } from '@palisade/audit';
import { PrismaService, type WebhookPatch, type WebhookRecord, WebhookRepository } from '@palisade/persistence';
import { assertRole, type Caller, CommonErrorCode, DomainException } from '@palisade/shared-types';
import { Inject, Injectable } from '@nestjs/common';

import type { CreateWebhookCommand, WebhookFormat } from './create-webhook.command';
import type { UpdateWebhookCommand } from './update-webhook.command';
import { webhookUrlProblem } from './webhook-address.util';
import { WebhookSecretCipher } from './webhook-secret-cipher';
import { toWebhookDeliveryView, toWebhookView, type WebhookDeliveryView, type WebhookView } from './webhook.view';
import { WebhooksErrorCode, WebhooksException } from './webhooks.exception';
import { WEBHOOKS_OPTIONS, type WebhooksOptions } from './webhooks.options';

const DELIVERIES_LISTED = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What the audit trail says about a webhook: never the secret. */
const summary = (webhook: WebhookRecord): Record<string, unknown> => ({
  url: webhook.url,
  events: webhook.events,
  clusters: webhook.clusters,
  format: webhook.format,
  enabled: webhook.enabled,
});

const toFormat = (format: WebhookFormat): 'JSON' | 'SLACK' => (format === 'slack' ? 'SLACK' : 'JSON');

/** Webhook subscriptions and their deliveries; unscoped admins only (webhooks hear about every cluster). */
@Injectable()
export class WebhooksService {
  private readonly cipher: WebhookSecretCipher;

  constructor(
    @Inject(WEBHOOKS_OPTIONS) private readonly options: WebhooksOptions,
    private readonly prisma: PrismaService,
    private readonly webhooks: WebhookRepository,
    private readonly audit: AuditRecorder,
  ) {
    this.cipher = new WebhookSecretCipher(options.secretKey);
  }

  async create(command: CreateWebhookCommand): Promise<WebhookView> {
    this.assertWebhookAdmin(command.caller);
    this.assertUrl(command.url);
    const id = randomUUID();
    return this.prisma.$transaction(async (tx) => {
      const webhook = await this.webhooks.create(
        {
          id,
          url: command.url,
          events: command.events,
          clusters: command.clusters,
          format: toFormat(command.format),
          enabled: command.enabled,
          sealedSecret: this.cipher.seal(command.secret, id),
          createdById: command.caller.principal.actor.id,
          createdByName: command.caller.principal.actor.name,
        },
        tx,
      );
      await this.record(tx, command.caller, 'webhook.created', webhook.id, null, summary(webhook));
      return toWebhookView(webhook);
    });
  }

  async update(command: UpdateWebhookCommand): Promise<WebhookView> {
    this.assertWebhookAdmin(command.caller);
    if (command.url !== undefined) this.assertUrl(command.url);
    const patch: WebhookPatch = {
      ...(command.url !== undefined ? { url: command.url } : {}),
      ...(command.events !== undefined ? { events: command.events } : {}),
      ...(command.clusters !== undefined ? { clusters: command.clusters } : {}),
      ...(command.format !== undefined ? { format: toFormat(command.format) } : {}),
      ...(command.enabled !== undefined ? { enabled: command.enabled } : {}),
      ...(command.secret !== undefined ? { sealedSecret: this.cipher.seal(command.secret, command.id) } : {}),
    };
    return this.prisma.$transaction(async (tx) => {
      const changed = UUID.test(command.id) ? await this.webhooks.update(command.id, patch, tx) : null;
      if (!changed) throw notFound(command.id);
      const after = { ...summary(changed.webhook), ...(command.secret !== undefined ? { secretChanged: true } : {}) };
      await this.record(tx, command.caller, 'webhook.updated', command.id, summary(changed.previous), after);
      return toWebhookView(changed.webhook);
    });
  }

  async delete(id: string, caller: Caller): Promise<WebhookView> {
    this.assertWebhookAdmin(caller);
    return this.prisma.$transaction(async (tx) => {
      const deleted = UUID.test(id) ? await this.webhooks.delete(id, tx) : null;
      if (!deleted) throw notFound(id);
      await this.record(tx, caller, 'webhook.deleted', id, summary(deleted), null);
      return toWebhookView(deleted);
    });
  }

  async list(caller: Caller): Promise<WebhookView[]> {
    this.assertWebhookAdmin(caller);
    return (await this.webhooks.list()).map(toWebhookView);
  }

  async get(id: string, caller: Caller): Promise<WebhookView> {
    this.assertWebhookAdmin(caller);
    return toWebhookView(await this.find(id));
  }

  /** The latest deliveries (newest first), each with every attempt. */
  async listDeliveries(id: string, caller: Caller): Promise<WebhookDeliveryView[]> {
    this.assertWebhookAdmin(caller);
    await this.find(id);
    return (await this.webhooks.listDeliveries(id, DELIVERIES_LISTED)).map(toWebhookDeliveryView);
  }

  /** Sends the delivery again, with the same delivery id, so receivers can drop the duplicate. */
  async redeliver(id: string, deliveryId: string, caller: Caller): Promise<WebhookDeliveryView> {
    this.assertWebhookAdmin(caller);
    await this.find(id);
    return this.prisma.$transaction(async (tx) => {
      const delivery = UUID.test(deliveryId) ? await this.webhooks.redeliver(id, deliveryId, tx) : null;
      if (!delivery) throw new WebhooksException(WebhooksErrorCode.WEBHOOK_DELIVERY_NOT_FOUND, `delivery "${deliveryId}" of webhook "${id}" not found`);
      await this.record(tx, caller, 'webhook.redelivery_requested', id, null, { deliveryId, event: delivery.event });
      return toWebhookDeliveryView(delivery);
    });
  }

  private async find(id: string): Promise<WebhookRecord> {
    const webhook = UUID.test(id) ? await this.webhooks.findById(id) : null;
    if (!webhook) throw notFound(id);
    return webhook;
  }

  private assertUrl(url: string): void {
    const problem = webhookUrlProblem(url, this.options.allowPrivateAddresses);
    if (problem) throw new DomainException(CommonErrorCode.VALIDATION_FAILED, `url: ${problem}`, [{ path: 'url', message: problem }]);
  }

  private assertWebhookAdmin(caller: Caller): void {
    assertRole(caller, ['admin']);
    if (caller.principal.clusters !== null) {
      throw new DomainException(CommonErrorCode.FORBIDDEN, 'webhooks can only be managed by an admin whose scope is every cluster');
    }
  }

  private async record(tx: Parameters<AuditRecorder['record']>[0], caller: Caller, action: string, id: string, before: unknown, after: unknown): Promise<void> {
    await this.audit.record(tx, { actor: caller.principal.actor, action, subjectType: 'webhook', subjectId: id, before, after, request: caller.request });
  }
}

function notFound(id: string): WebhooksException {
  return new WebhooksException(WebhooksErrorCode.WEBHOOK_NOT_FOUND, `webhook "${id}" not found`);
}
