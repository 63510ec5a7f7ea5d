-- Risk-driven approval rules: a rule may apply only when the proposal's analysis matches `when`
-- ({findings?: string[], minSeverity?: 'info'|'low'|'medium'|'high', connectivityChange?: boolean}),
-- and may let bots' approvals count.
-- AlterTable
ALTER TABLE "approval_rules" ADD COLUMN "when" JSONB,
ADD COLUMN "allow_bot_approvals" BOOLEAN NOT NULL DEFAULT false;
