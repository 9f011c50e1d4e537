import { randomBytes } from "node:crypto";
import { defineConfig } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3300);

/**
 * End-to-end specs in Debian's Chromium (never a downloaded browser). `npm test` creates a fresh
 * database (E2E_DATABASE_URL) and the server below migrates and seeds it.
 */
export default defineConfig({
  testDir: "./e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
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
  webServer: {
    // A production start on its own database: the demo accounts the specs sign in with are asked for.
    command: "node_modules/.bin/tsx scripts/start.ts --demo",
    url: `http://127.0.0.1:${port}/login`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: "pipe",
    env: {
      PORT: String(port),
      HOST: "127.0.0.1",
      NEXTAUTH_URL: `http://127.0.0.1:${port}`,
      // A production start refuses published secrets: a fresh one per run.
      NEXTAUTH_SECRET: process.env.E2E_NEXTAUTH_SECRET ?? randomBytes(32).toString("hex"),
      // e2e/classroom.spec.ts: the administrator made at start (ADMIN_EMAIL/ADMIN_PASSWORD).
      ADMIN_EMAIL: "admin@example.com",
      ADMIN_PASSWORD: "admin-e2e-password",
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
    },
  },
});
