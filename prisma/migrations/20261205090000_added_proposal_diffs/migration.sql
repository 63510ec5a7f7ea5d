-- CreateTable: each proposal's per-policy unified diffs against its base, computed once when a revision is stored
CREATE TABLE "proposal_diffs" (
    "proposal_id" UUID NOT NULL,
    "base_version" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "diffs" JSONB NOT NULL,
    "revision" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "proposal_diffs_pkey" PRIMARY KEY ("proposal_id")
);

-- AddForeignKey
ALTER TABLE "proposal_diffs" ADD CONSTRAINT "proposal_diffs_proposal_id_fkey" FOREIGN KEY ("proposal_id") REFERENCES "proposals"("id") ON DELETE CASCADE ON UPDATE CASCADE;
