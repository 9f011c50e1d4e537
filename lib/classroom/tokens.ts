/**
 * One-time links for invitations and password resets. The link carries 32 random bytes; the
 * database keeps only their SHA-256, so a leaked database row cannot be turned into a link.
 */
import { createHash, randomBytes } from "node:crypto";
import type { PrismaClient } from "../generated/prisma/client";

export type TokenKind = "INVITE" | "RESET";

export const TOKEN_LIFETIME_MS: Record<TokenKind, number> = {
  INVITE: 7 * 24 * 3600_000,
  RESET: 24 * 3600_000,
};

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

type Tx = Pick<PrismaClient, "accountToken">;

/** Issues a fresh token; earlier unused tokens of the same kind for the user stop working. */
export async function issueToken(
  tx: Tx,
  args: { userId: string; kind: TokenKind; createdById: string | null; now: Date },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(args.now.getTime() + TOKEN_LIFETIME_MS[args.kind]);
  await tx.accountToken.updateMany({
    where: { userId: args.userId, kind: args.kind, usedAt: null },
    data: { usedAt: args.now },
  });
  await tx.accountToken.create({
    data: {
      userId: args.userId,
      kind: args.kind,
      tokenHash: hashToken(token),
      expiresAt,
      createdById: args.createdById,
    },
  });
  return { token, expiresAt };
}

export function linkFor(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/account/set-password?token=${encodeURIComponent(token)}`;
}
