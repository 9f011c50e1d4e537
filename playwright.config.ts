import { randomBytes } from "node:crypto";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3300);
/** A production start refuses published secrets: a fresh one per run. */
const secret = process.env.E2E_NEXTAUTH_SECRET ?? randomBytes(32).toString("hex");

/**
 * With a second database (E2E_DATABASE_URL_B, which `npm test` creates) the specs run in two
 * halves at once, each on its own server and database at port and port + 1 (ADR 0030): the
 * specs share the demo accounts and their clusters, so two specs may never run against one
 * server at the same time, but two servers seeded alike are as good as two runs. These specs
 * form the second half (about half of the time); every other spec, a new one too, the first.
 */
const SECOND_HALF = [
  "classroom.spec.ts",
  "connection.spec.ts",
  "journey.spec.ts",
  "layout.spec.ts",
  "lesson-pane.spec.ts",
  "watch.spec.ts",
].map((f) => `**/e2e/${f}`);
const databaseB = process.env.E2E_DATABASE_URL_B;

function server(at: number, databaseUrl: string | undefined) {
  return {
    // A production start on its own database: the demo accounts the specs sign in with are asked for.
    command: "node_modules/.bin/tsx scripts/start.ts --demo",
    url: `http://127.0.0.1:${at}/login`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe" as const,
    env: {
      PORT: String(at),
      HOST: "127.0.0.1",
      NEXTAUTH_URL: `http://127.0.0.1:${at}`,
      NEXTAUTH_SECRET: secret,
      // e2e/classroom.spec.ts: the administrator made at start (ADMIN_EMAIL/ADMIN_PASSWORD).
      ADMIN_EMAIL: "admin@example.com",
      ADMIN_PASSWORD: "admin-e2e-password",
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
  };
}

/**
 * End-to-end specs in Debian's Chromium (never a downloaded browser). `npm test` creates fresh
 * databases (E2E_DATABASE_URL, E2E_DATABASE_URL_B) and the servers below migrate and seed them.
 * A spec that reads its server's database finds its URL in `test.info().project.metadata`
 * (e2e/pages.ts: `e2eDatabaseUrl()`).
 */
export default defineConfig({
  testDir: "./e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  // One worker per server: a project's specs run one at a time (`workers: 1` in each project).
  workers: databaseB ? 2 : 1,
  retries: 0,
  reporter: [["list"]],
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: "chromium",
    headless: true,
    viewport: { width: 1280, height: 720 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: databaseB
    ? [
        {
          name: "a",
          testIgnore: SECOND_HALF,
          workers: 1,
          metadata: { databaseUrl: process.env.E2E_DATABASE_URL },
        },
        {
          name: "b",
          testMatch: SECOND_HALF,
          workers: 1,
          use: { baseURL: `http://127.0.0.1:${port + 1}` },
          metadata: { databaseUrl: databaseB },
        },
      ]
    : [{ name: "chromium", metadata: { databaseUrl: process.env.E2E_DATABASE_URL } }],
  webServer: databaseB
    ? [server(port, process.env.E2E_DATABASE_URL), server(port + 1, databaseB)]
    : server(port, process.env.E2E_DATABASE_URL),
});
