-- A command line's own id, given by the server when the line finishes: the journal is written in
-- batches that are retried after a database error, and a retried batch must not add a line twice
-- (INSERT ... ON CONFLICT ("lineKey") DO NOTHING). Older rows have none.
ALTER TABLE "CommandRecord" ADD COLUMN "lineKey" TEXT;

CREATE UNIQUE INDEX "CommandRecord_lineKey_key" ON "CommandRecord"("lineKey");
