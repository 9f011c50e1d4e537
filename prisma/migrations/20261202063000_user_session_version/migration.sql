-- The session version of a user: every session cookie and socket carries the version it was
-- issued under, and signing out, disabling or removing the user bumps it, which ends them all.
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;
