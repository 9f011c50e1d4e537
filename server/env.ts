/**
 * The environment is parsed once, at start, with zod: a bad value stops the server with a
 * message naming the variable instead of failing later in a request.
 */
import { z } from "zod";

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  /** PostgreSQL connection string. When unset, `npm start` runs an embedded PostgreSQL. */
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  /** Secret for next-auth's JWT session cookies (≥ 32 characters in production). */
  NEXTAUTH_SECRET: z.string().min(16, "NEXTAUTH_SECRET must be at least 16 characters"),
  /** Public URL of the app, used by next-auth for redirects. */
  NEXTAUTH_URL: z.url().optional(),
  HOST: z.string().default("0.0.0.0"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Minutes a student's cluster stays in memory after their last socket leaves. */
  CLUSTER_IDLE_MINUTES: z.coerce.number().positive().default(10),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".") || "(env)"}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  if (parsed.data.NODE_ENV === "production" && parsed.data.NEXTAUTH_SECRET.length < 32) {
    throw new Error(
      "Invalid configuration:\n  NEXTAUTH_SECRET: must be at least 32 characters in production",
    );
  }
  cached = parsed.data;
  return cached;
}
