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
  /** Reverse proxies in front of the server whose X-Forwarded-For is believed (login throttling). */
  TRUST_PROXY: z.coerce.number().int().min(0).max(5).default(0),
  /** Minutes a student's cluster stays in memory after their last socket leaves. */
  CLUSTER_IDLE_MINUTES: z.coerce.number().positive().default(10),
  /**
   * Worker threads that run the students' simulations (0: the server's own thread); see
   * docs/adr/0031-workspaces-on-worker-threads.md and docs/adr/0033-workers-by-default.md.
   */
  KUBECLASS_WORKERS: z.coerce.number().int().min(0).max(64).default(1),
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

/** Secrets that were ever published as examples: a cookie signed with one can be forged by anyone. */
const PUBLIC_SECRETS = [/change-?me/i, /^e2e-secret-/, /^integration-secret-/, /^secret$/i];

export interface StartupChoice {
  /** Seed the demo course, teacher and students (with their published passwords). */
  demo: boolean;
  /** Keep a generated NEXTAUTH_SECRET under .data (local runs only). */
  generateSecret: boolean;
}

/**
 * What `npm start` may do on its own. A real deployment (production on the operator's own
 * DATABASE_URL) gets no demo accounts unless asked with `--demo`, and no secret it did not set;
 * the embedded database (a fresh machine, `npm install && npm start`) gets both, so the README's
 * first run shows the demo course. Throws with a message for the operator when a production
 * deployment has no usable secret.
 */
export function startupChoice(o: {
  argv: string[];
  env: Record<string, string | undefined>;
  production: boolean;
  embedded: boolean;
}): StartupChoice {
  const local = o.embedded || !o.production;
  const secret = o.env.NEXTAUTH_SECRET;
  if (!local && !secret)
    throw new Error(
      "NEXTAUTH_SECRET is not set. A production server on its own DATABASE_URL needs a secret of at " +
        "least 32 random characters to sign session cookies, e.g.\n" +
        "  NEXTAUTH_SECRET=$(openssl rand -hex 32)\n" +
        "(set it once and keep it: changing it signs everybody out).",
    );
  if (!local && secret && PUBLIC_SECRETS.some((re) => re.test(secret)))
    throw new Error(
      "NEXTAUTH_SECRET is a published example value: anyone could sign session cookies with it. " +
        "Set a random one, e.g. NEXTAUTH_SECRET=$(openssl rand -hex 32).",
    );
  const demo =
    !o.argv.includes("--no-demo") &&
    (o.argv.includes("--demo") || o.env.KUBECLASS_DEMO === "1" || o.embedded);
  return { demo, generateSecret: local && !secret };
}
