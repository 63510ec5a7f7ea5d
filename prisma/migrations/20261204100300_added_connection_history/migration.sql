-- Connection history (issue 9): every connectivity change of a cluster, one row per
-- (flow, protocol, port range), and the flows open at the head right now.
-- Endpoints are stored direction-neutral as source and destination: a workload (namespace, kind,
-- name) or an address range (cidr minus except). Address filters use GiST indexes over inet_ops
-- (the range contains the address) that also take the port (int4range @> port), with the cluster id
-- through btree_gist; namespace and workload filters use btree indexes.
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- CreateEnum
CREATE TYPE "ConnectionChangeKind" AS ENUM ('OPENED', 'CLOSED');

-- CreateEnum
CREATE TYPE "ConnectionChangeCause" AS ENUM ('INITIAL', 'IMPORT', 'PROPOSAL', 'REVERT', 'INVENTORY');

-- CreateEnum
CREATE TYPE "ConnectionEndpointKind" AS ENUM ('WORKLOAD', 'CIDR');

-- CreateEnum
CREATE TYPE "NetworkProtocol" AS ENUM ('TCP', 'UDP', 'SCTP');

-- CreateTable
CREATE TABLE "connection_changes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "approvers" JSONB NOT NULL DEFAULT '[]',
    "author_id" TEXT,
    "author_kind" TEXT,
    "author_name" TEXT,
    "cause" "ConnectionChangeCause" NOT NULL,
    "change" "ConnectionChangeKind" NOT NULL,
    "cluster_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "destination_cidr" CIDR,
    "destination_except" CIDR[] NOT NULL DEFAULT '{}',
    "destination_kind" "ConnectionEndpointKind" NOT NULL,
    "destination_namespace" TEXT,
    "destination_workload_kind" TEXT,
    "destination_workload_name" TEXT,
    "flow_key" UUID NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "ports" INT4RANGE NOT NULL,
    "proposal_id" UUID,
    "protocol" "NetworkProtocol" NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "snapshot_id" UUID,
    "source_cidr" CIDR,
    "source_except" CIDR[] NOT NULL DEFAULT '{}',
    "source_kind" "ConnectionEndpointKind" NOT NULL,
    "source_namespace" TEXT,
    "source_workload_kind" TEXT,
    "source_workload_name" TEXT,
    "version" INTEGER,

    CONSTRAINT "connection_changes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "connection_changes_ports_check" CHECK (NOT isempty("ports") AND lower("ports") >= 1 AND upper("ports") <= 65536),
    CONSTRAINT "connection_changes_source_check" CHECK (
        ("source_kind" = 'WORKLOAD' AND "source_namespace" IS NOT NULL AND "source_workload_kind" IS NOT NULL AND "source_workload_name" IS NOT NULL AND "source_cidr" IS NULL)
        OR ("source_kind" = 'CIDR' AND "source_cidr" IS NOT NULL AND "source_namespace" IS NULL AND "source_workload_kind" IS NULL AND "source_workload_name" IS NULL)),
    CONSTRAINT "connection_changes_destination_check" CHECK (
        ("destination_kind" = 'WORKLOAD' AND "destination_namespace" IS NOT NULL AND "destination_workload_kind" IS NOT NULL AND "destination_workload_name" IS NOT NULL AND "destination_cidr" IS NULL)
        OR ("destination_kind" = 'CIDR' AND "destination_cidr" IS NOT NULL AND "destination_namespace" IS NULL AND "destination_workload_kind" IS NULL AND "destination_workload_name" IS NULL))
);

-- CreateTable
CREATE TABLE "open_connections" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cluster_id" UUID NOT NULL,
    "destination_cidr" CIDR,
    "destination_except" CIDR[] NOT NULL DEFAULT '{}',
    "destination_kind" "ConnectionEndpointKind" NOT NULL,
    "destination_namespace" TEXT,
    "destination_workload_kind" TEXT,
    "destination_workload_name" TEXT,
    "flow_key" UUID NOT NULL,
    "opened_by_id" UUID NOT NULL,
    "opened_seq" BIGINT NOT NULL,
    "ports" INT4RANGE NOT NULL,
    "protocol" "NetworkProtocol" NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL,
    "source_cidr" CIDR,
    "source_except" CIDR[] NOT NULL DEFAULT '{}',
    "source_kind" "ConnectionEndpointKind" NOT NULL,
    "source_namespace" TEXT,
    "source_workload_kind" TEXT,
    "source_workload_name" TEXT,

    CONSTRAINT "open_connections_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "open_connections_ports_check" CHECK (NOT isempty("ports") AND lower("ports") >= 1 AND upper("ports") <= 65536)
);

-- CreateIndex: keyset paging, newest first
CREATE UNIQUE INDEX "connection_changes_seq_key" ON "connection_changes"("seq");
CREATE INDEX "connection_changes_cluster_id_seq_idx" ON "connection_changes"("cluster_id", "seq");

-- CreateIndex: by namespace or namespace/workload, newest first (btree: GiST over text costs too much per insert)
CREATE INDEX "connection_changes_source_workload_idx" ON "connection_changes"("cluster_id", "source_namespace", "source_workload_name", "seq") WHERE "source_namespace" IS NOT NULL;
CREATE INDEX "connection_changes_destination_workload_idx" ON "connection_changes"("cluster_id", "destination_namespace", "destination_workload_name", "seq") WHERE "destination_namespace" IS NOT NULL;

-- CreateIndex: by address (the range contains it) and port (the range contains it)
CREATE INDEX "connection_changes_source_cidr_idx" ON "connection_changes" USING GIST ("cluster_id", "source_cidr" inet_ops, "ports") WHERE "source_cidr" IS NOT NULL;
CREATE INDEX "connection_changes_destination_cidr_idx" ON "connection_changes" USING GIST ("cluster_id", "destination_cidr" inet_ops, "ports") WHERE "destination_cidr" IS NOT NULL;

-- CreateIndex: the recorder finds a flow's open ranges by its key
CREATE INDEX "open_connections_cluster_id_flow_key_idx" ON "open_connections"("cluster_id", "flow_key");
CREATE INDEX "open_connections_cluster_id_opened_seq_ports_idx" ON "open_connections"("cluster_id", "opened_seq" DESC, "ports");
CREATE INDEX "open_connections_source_workload_idx" ON "open_connections"("cluster_id", "source_namespace", "source_workload_name") WHERE "source_namespace" IS NOT NULL;
CREATE INDEX "open_connections_destination_workload_idx" ON "open_connections"("cluster_id", "destination_namespace", "destination_workload_name") WHERE "destination_namespace" IS NOT NULL;
CREATE INDEX "open_connections_source_cidr_idx" ON "open_connections" USING GIST ("cluster_id", "source_cidr" inet_ops, "ports") WHERE "source_cidr" IS NOT NULL;
CREATE INDEX "open_connections_destination_cidr_idx" ON "open_connections" USING GIST ("cluster_id", "destination_cidr" inet_ops, "ports") WHERE "destination_cidr" IS NOT NULL;

-- AddForeignKey
ALTER TABLE "connection_changes" ADD CONSTRAINT "connection_changes_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "connection_changes" ADD CONSTRAINT "connection_changes_proposal_id_fkey" FOREIGN KEY ("proposal_id") REFERENCES "proposals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "open_connections" ADD CONSTRAINT "open_connections_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "open_connections" ADD CONSTRAINT "open_connections_opened_by_id_fkey" FOREIGN KEY ("opened_by_id") REFERENCES "connection_changes"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
