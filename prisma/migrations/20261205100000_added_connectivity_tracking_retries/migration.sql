-- AlterTable: a cluster whose connection-history catch-up failed is retried by the background pass after a growing delay
ALTER TABLE "connectivity_tracking" ADD COLUMN "failures" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "last_error" TEXT,
ADD COLUMN "retry_after" TIMESTAMPTZ(3);
