-- CreateEnum
CREATE TYPE "VersionOrigin" AS ENUM ('IMPORT', 'PROPOSAL');

-- CreateTable
CREATE TABLE "clusters" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "desired_version" INTEGER,
    "display_name" TEXT,
    "head_version" INTEGER NOT NULL DEFAULT 0,
    "labels" JSONB NOT NULL DEFAULT '{}',
    "name" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "clusters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "network_policy_contents" (
    "hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "manifest" JSONB NOT NULL,
    "name" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,

    CONSTRAINT "network_policy_contents_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "policy_set_versions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "author_id" TEXT,
    "author_name" TEXT NOT NULL,
    "cluster_id" UUID NOT NULL,
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "number" INTEGER NOT NULL,
    "parent_number" INTEGER,
    "policy_count" INTEGER NOT NULL,
    "origin" "VersionOrigin" NOT NULL,

    CONSTRAINT "policy_set_versions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "policy_set_entries" (
    "name" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "policy_hash" TEXT NOT NULL,
    "version_id" UUID NOT NULL,

    CONSTRAINT "policy_set_entries_pkey" PRIMARY KEY ("version_id","namespace","name")
);

-- CreateIndex
CREATE UNIQUE INDEX "clusters_name_key" ON "clusters"("name");

-- CreateIndex
CREATE INDEX "policy_set_versions_cluster_id_created_at_idx" ON "policy_set_versions"("cluster_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "policy_set_versions_cluster_id_number_key" ON "policy_set_versions"("cluster_id", "number");

-- CreateIndex
CREATE INDEX "policy_set_entries_policy_hash_idx" ON "policy_set_entries"("policy_hash");

-- AddForeignKey
ALTER TABLE "policy_set_versions" ADD CONSTRAINT "policy_set_versions_cluster_id_fkey" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_set_entries" ADD CONSTRAINT "policy_set_entries_policy_hash_fkey" FOREIGN KEY ("policy_hash") REFERENCES "network_policy_contents"("hash") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "policy_set_entries" ADD CONSTRAINT "policy_set_entries_version_id_fkey" FOREIGN KEY ("version_id") REFERENCES "policy_set_versions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
