-- CreateEnum
CREATE TYPE "SyncStatus" AS ENUM ('IN_SYNC', 'PENDING', 'SYNCING', 'DRIFTED', 'FAILED', 'UNREACHABLE');

-- CreateEnum
CREATE TYPE "DriftMode" AS ENUM ('REPORT', 'HEAL');

-- CreateEnum
CREATE TYPE "InventorySource" AS ENUM ('WATCH', 'UPLOAD');

-- CreateTable
CREATE TABLE "cluster_connections" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "capabilities" JSONB NOT NULL DEFAULT '{}',
    "checked_at" TIMESTAMPTZ(3) NOT NULL,
    "cluster_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "credentials" BYTEA NOT NULL,
    "server_version" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cluster_connections_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cluster_sync_states" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "applied_version" INTEGER,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "cluster_id" UUID NOT NULL,
    "conflicts" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "drift" JSONB NOT NULL DEFAULT '[]',
    "drift_detected_at" TIMESTAMPTZ(3),
    "drift_mode" "DriftMode" NOT NULL DEFAULT 'REPORT',
    "failed_version" INTEGER,
    "fencing_token" BIGINT NOT NULL DEFAULT 0,
    "force_conflicts" BOOLEAN NOT NULL DEFAULT false,
    "last_applied_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "last_error_at" TIMESTAMPTZ(3),
    "lease_expires_at" TIMESTAMPTZ(3),
    "lease_holder" TEXT,
    "next_retry_at" TIMESTAMPTZ(3),
    "status" "SyncStatus" NOT NULL DEFAULT 'PENDING',
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cluster_sync_states_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory_snapshots" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "namespace_count" INTEGER NOT NULL,
    "namespaces" JSONB NOT NULL,
    "pod_count" INTEGER NOT NULL,
    "pods" JSONB NOT NULL,
    "source" "InventorySource" NOT NULL,
    "taken_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "inventory_snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cluster_connections_cluster_id_key" ON "cluster_connections"("cluster_id");

-- CreateIndex
CREATE UNIQUE INDEX "cluster_sync_states_cluster_id_key" ON "cluster_sync_states"("cluster_id");

-- CreateIndex
CREATE INDEX "cluster_sync_states_lease_expires_at_idx" ON "cluster_sync_states"("lease_expires_at");

-- CreateIndex
CREATE INDEX "inventory_snapshots_cluster_id_taken_at_idx" ON "inventory_snapshots"("cluster_id", "taken_at");

-- AddForeignKey
ALTER TABLE "cluster_connections" ADD CONSTRAINT "cluster_connections_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cluster_sync_states" ADD CONSTRAINT "cluster_sync_states_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_snapshots" ADD CONSTRAINT "inventory_snapshots_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;
