-- CreateEnum
CREATE TYPE "AnalysisStatus" AS ENUM ('PENDING', 'READY', 'FAILED');

-- CreateTable: the current analysis of each proposal (one row per proposal, replaced on every re-analysis)
CREATE TABLE "proposal_analyses" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "base_content_hash" TEXT,
    "base_version" INTEGER NOT NULL,
    "computed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "duration_ms" INTEGER,
    "engine_version" TEXT NOT NULL,
    "error" TEXT,
    "findings" JSONB NOT NULL DEFAULT '[]',
    "flows_closed" JSONB NOT NULL DEFAULT '[]',
    "flows_opened" JSONB NOT NULL DEFAULT '[]',
    "hash" TEXT,
    "options" JSONB NOT NULL DEFAULT '{}',
    "proposal_id" UUID NOT NULL,
    "proposed_content_hash" TEXT,
    "requested_at" TIMESTAMPTZ(3) NOT NULL,
    "result_hash" TEXT,
    "revision" INTEGER NOT NULL,
    "snapshot_content_hash" TEXT,
    "snapshot_id" UUID,
    "snapshot_source" "InventorySource",
    "snapshot_taken_at" TIMESTAMPTZ(3),
    "status" "AnalysisStatus" NOT NULL,
    "summary" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "proposal_analyses_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "proposal_analyses_proposal_id_key" ON "proposal_analyses"("proposal_id");
CREATE INDEX "proposal_analyses_status_requested_at_idx" ON "proposal_analyses"("status", "requested_at");

ALTER TABLE "proposal_analyses" ADD CONSTRAINT "proposal_analyses_proposal_id_fkey" FOREIGN KEY ("proposal_id") REFERENCES "proposals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Reviews are bound to the analysis they were given for; a changed analysis dismisses approvals.
ALTER TABLE "reviews" ADD COLUMN "analysis_hash" TEXT;
ALTER TABLE "reviews" ADD COLUMN "dismissal" JSONB;
ALTER TABLE "reviews" ADD COLUMN "dismissed_at" TIMESTAMPTZ(3);
ALTER TABLE "reviews" ADD COLUMN "dismissed_reason" TEXT;

-- CreateTable: which head version and inventory snapshot the connection history of a cluster reflects
CREATE TABLE "connectivity_tracking" (
    "cluster_id" UUID NOT NULL,
    "snapshot_content_hash" TEXT,
    "snapshot_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER,

    CONSTRAINT "connectivity_tracking_pkey" PRIMARY KEY ("cluster_id")
);

ALTER TABLE "connectivity_tracking" ADD CONSTRAINT "connectivity_tracking_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;
