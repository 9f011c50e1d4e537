-- What each command of a journaled line wrote itself (a JSON array of strings, by command):
-- output checks read the named command's own output, so an `echo` beside it does not count.
-- NULL on lines journaled before it existed (their checks fall back to the line's output).
ALTER TABLE "CommandRecord" ADD COLUMN "outputs" JSONB;
