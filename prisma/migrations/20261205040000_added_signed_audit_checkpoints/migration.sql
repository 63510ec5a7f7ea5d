-- Signed checkpoints of the audit chain: the head event's seq and hash at a time, signed with an
-- Ed25519 key that is never stored in the database. Numbered 1, 2, 3... so a removed one leaves a gap.
CREATE TABLE "audit_checkpoints" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "hash" TEXT NOT NULL,
    "key_id" TEXT NOT NULL,
    "number" BIGINT NOT NULL,
    "seq" BIGINT NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "audit_checkpoints_number_key" ON "audit_checkpoints"("number");

-- CreateIndex
CREATE INDEX "audit_checkpoints_seq_idx" ON "audit_checkpoints"("seq");

-- Append-only, like the events they sign.
CREATE TRIGGER "audit_checkpoints_no_update_or_delete"
    BEFORE UPDATE OR DELETE ON "audit_checkpoints"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();

CREATE TRIGGER "audit_checkpoints_no_truncate"
    BEFORE TRUNCATE ON "audit_checkpoints"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
