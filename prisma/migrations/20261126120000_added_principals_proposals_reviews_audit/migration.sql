-- CreateEnum
CREATE TYPE "PrincipalKind" AS ENUM ('HUMAN', 'BOT');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'APPROVER', 'PROPOSER', 'AUDITOR');

-- CreateEnum
CREATE TYPE "ProposalStatus" AS ENUM ('OPEN', 'CHANGES_REQUESTED', 'APPROVED', 'MERGED', 'REJECTED', 'WITHDRAWN', 'CONFLICTED');

-- CreateEnum
CREATE TYPE "ReviewVerdict" AS ENUM ('APPROVE', 'REQUEST_CHANGES', 'COMMENT');

-- AlterTable
ALTER TABLE "policy_set_versions" ADD COLUMN "source_proposal_id" UUID;

-- CreateTable
CREATE TABLE "principals" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" "PrincipalKind" NOT NULL,
    "name" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "principals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "all_clusters" BOOLEAN NOT NULL,
    "clusters" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by_id" TEXT,
    "expires_at" TIMESTAMPTZ(3),
    "groups" TEXT[],
    "principal_id" UUID NOT NULL,
    "prefix" TEXT NOT NULL,
    "revoked_at" TIMESTAMPTZ(3),
    "roles" "Role"[],
    "secret_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "proposals" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "author_id" TEXT,
    "author_kind" TEXT NOT NULL,
    "author_name" TEXT NOT NULL,
    "base_version" INTEGER NOT NULL,
    "change_hash" TEXT NOT NULL,
    "changes" JSONB NOT NULL,
    "close_comment" TEXT,
    "closed_at" TIMESTAMPTZ(3),
    "closed_by_id" TEXT,
    "closed_by_name" TEXT,
    "cluster_id" UUID NOT NULL,
    "conflict_policies" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "description" TEXT,
    "idempotency_key" TEXT,
    "idempotency_hash" TEXT,
    "merged_onto_version" INTEGER,
    "merged_version" INTEGER,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "reverts_to_version" INTEGER,
    "source_commit" TEXT,
    "source_kind" TEXT,
    "source_url" TEXT,
    "status" "ProposalStatus" NOT NULL,
    "title" TEXT NOT NULL,
    "touched_policies" TEXT[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "proposals_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reviews" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "change_hash" TEXT NOT NULL,
    "comment" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "proposal_id" UUID NOT NULL,
    "proposal_revision" INTEGER NOT NULL,
    "reviewer_groups" TEXT[],
    "reviewer_id" TEXT,
    "reviewer_kind" TEXT NOT NULL,
    "reviewer_name" TEXT NOT NULL,
    "verdict" "ReviewVerdict" NOT NULL,

    CONSTRAINT "reviews_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "approval_rules" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_selector" JSONB NOT NULL DEFAULT '{}',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "description" TEXT,
    "min_approvals" INTEGER NOT NULL DEFAULT 1,
    "name" TEXT NOT NULL,
    "required_groups" TEXT[],
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "approval_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_events" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "action" TEXT NOT NULL,
    "actor_id" TEXT,
    "actor_kind" TEXT NOT NULL,
    "actor_name" TEXT NOT NULL,
    "after" JSONB,
    "before" JSONB,
    "client_address" TEXT,
    "cluster_id" UUID,
    "cluster_name" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "hash" TEXT NOT NULL,
    "prev_hash" TEXT NOT NULL,
    "request_id" TEXT,
    "seq" BIGINT NOT NULL,
    "subject_id" TEXT NOT NULL,
    "subject_type" TEXT NOT NULL,

    CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_chain_head" (
    "id" INTEGER NOT NULL,
    "last_created_at" TIMESTAMPTZ(3),
    "last_hash" TEXT NOT NULL,
    "last_seq" BIGINT NOT NULL,

    CONSTRAINT "audit_chain_head_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "principals_name_key" ON "principals"("name");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_secret_hash_key" ON "api_tokens"("secret_hash");

-- CreateIndex
CREATE INDEX "api_tokens_principal_id_idx" ON "api_tokens"("principal_id");

-- CreateIndex
CREATE INDEX "proposals_cluster_id_created_at_idx" ON "proposals"("cluster_id", "created_at");

-- CreateIndex
CREATE INDEX "proposals_cluster_id_status_created_at_idx" ON "proposals"("cluster_id", "status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "proposals_author_id_idempotency_key_key" ON "proposals"("author_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "reviews_proposal_id_created_at_idx" ON "reviews"("proposal_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "approval_rules_name_key" ON "approval_rules"("name");

-- CreateIndex
CREATE UNIQUE INDEX "audit_events_seq_key" ON "audit_events"("seq");

-- CreateIndex
CREATE INDEX "audit_events_action_seq_idx" ON "audit_events"("action", "seq");

-- CreateIndex
CREATE INDEX "audit_events_actor_id_seq_idx" ON "audit_events"("actor_id", "seq");

-- CreateIndex
CREATE INDEX "audit_events_actor_name_seq_idx" ON "audit_events"("actor_name", "seq");

-- CreateIndex
CREATE INDEX "audit_events_cluster_name_seq_idx" ON "audit_events"("cluster_name", "seq");

-- CreateIndex
CREATE INDEX "audit_events_created_at_seq_idx" ON "audit_events"("created_at", "seq");

-- CreateIndex
CREATE INDEX "audit_events_subject_id_seq_idx" ON "audit_events"("subject_id", "seq");

-- AddForeignKey
ALTER TABLE "policy_set_versions" ADD CONSTRAINT "policy_set_versions_source_proposal_id_fkey" FOREIGN KEY ("source_proposal_id") REFERENCES "proposals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_principal_id_fkey" FOREIGN KEY ("principal_id") REFERENCES "principals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "proposals" ADD CONSTRAINT "proposals_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reviews" ADD CONSTRAINT "reviews_proposal_id_fkey" FOREIGN KEY ("proposal_id") REFERENCES "proposals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- The chain starts from a single head row: seq 0 and the all-zero genesis hash.
INSERT INTO "audit_chain_head" ("id", "last_created_at", "last_hash", "last_seq")
VALUES (1, NULL, '0000000000000000000000000000000000000000000000000000000000000000', 0);

-- Append-only: the database itself refuses to change or remove audit events, whoever asks.
CREATE FUNCTION "audit_events_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only: % is not allowed', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER "audit_events_no_update_or_delete"
    BEFORE UPDATE OR DELETE ON "audit_events"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();

CREATE TRIGGER "audit_events_no_truncate"
    BEFORE TRUNCATE ON "audit_events"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();

-- The head row is only ever advanced, never removed, so a truncated tail of the chain shows.
CREATE TRIGGER "audit_chain_head_no_delete"
    BEFORE DELETE ON "audit_chain_head"
    FOR EACH ROW EXECUTE FUNCTION "audit_events_refuse_change"();

CREATE TRIGGER "audit_chain_head_no_truncate"
    BEFORE TRUNCATE ON "audit_chain_head"
    FOR EACH STATEMENT EXECUTE FUNCTION "audit_events_refuse_change"();
