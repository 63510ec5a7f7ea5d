-- Principals become first-class: each records who created it and the cluster scope it was created
-- within, so a scoped admin can be held to the principals it created itself.
ALTER TABLE "principals"
    ADD COLUMN "all_clusters" BOOLEAN NOT NULL DEFAULT true,
    ADD COLUMN "clusters" TEXT[] NOT NULL DEFAULT '{}',
    ADD COLUMN "created_by_id" UUID;

-- Until now a principal came into being with its first token: that token's issuer created it, and
-- that token's scope (never wider than its issuer's) is the scope it was created within.
UPDATE "principals" AS p
   SET "all_clusters" = first_token."all_clusters",
       "clusters" = COALESCE(first_token."clusters", '{}'),
       "created_by_id" = creator."id"
  FROM (
        SELECT DISTINCT ON ("principal_id") "principal_id", "all_clusters", "clusters", "created_by_id"
          FROM "api_tokens"
         ORDER BY "principal_id", "created_at", "id"
       ) AS first_token
  LEFT JOIN "principals" AS creator ON creator."id"::text = first_token."created_by_id"
 WHERE p."id" = first_token."principal_id";

ALTER TABLE "principals" ALTER COLUMN "all_clusters" DROP DEFAULT;

-- AddForeignKey
ALTER TABLE "principals" ADD CONSTRAINT "principals_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "principals"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- CreateIndex
CREATE INDEX "principals_created_by_id_idx" ON "principals"("created_by_id");
