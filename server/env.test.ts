import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { startupChoice } from "./env";

const root = path.resolve(import.meta.dirname, "..");
const SECRET = "f3b1c0d2a9e84d7c6b5a4f3e2d1c0b9a8f7e6d5c";

describe("startupChoice", () => {
  const deployment = { production: true, embedded: false };

  it("refuses a production deployment without a secret, saying how to make one", () => {
    expect(() => startupChoice({ ...deployment, argv: [], env: {} })).toThrow(
      /NEXTAUTH_SECRET is not set[\s\S]*openssl rand -hex 32/,
    );
  });

  it("refuses a published example secret in production", () => {
    for (const s of [
      "change-me-to-a-long-random-string-of-32+chars",
      "e2e-secret-0123456789abcdef0123456789abcdef",
    ])
      expect(() => startupChoice({ ...deployment, argv: [], env: { NEXTAUTH_SECRET: s } })).toThrow(
        /published example value/,
      );
  });

  it("seeds demo accounts in a deployment only when asked", () => {
    const env = { NEXTAUTH_SECRET: SECRET };
    expect(startupChoice({ ...deployment, argv: [], env })).toEqual({ demo: false, generateSecret: false });
    expect(startupChoice({ ...deployment, argv: ["--demo"], env }).demo).toBe(true);
    expect(startupChoice({ ...deployment, argv: [], env: { ...env, KUBECLASS_DEMO: "1" } }).demo).toBe(true);
  });

  it("a fresh machine (embedded database) gets the demo and a generated local secret", () => {
    expect(startupChoice({ production: true, embedded: true, argv: [], env: {} })).toEqual({
      demo: true,
      generateSecret: true,
    });
    expect(startupChoice({ production: true, embedded: true, argv: ["--no-demo"], env: {} }).demo).toBe(
      false,
    );
  });
});

describe("npm start in production on its own database", () => {
  it("stops before touching the database when NEXTAUTH_SECRET is missing", () => {
    const env = { ...process.env };
    delete env.NEXTAUTH_SECRET;
    const r = spawnSync(path.join(root, "node_modules/.bin/tsx"), ["scripts/start.ts"], {
      cwd: root,
      // An address nothing listens on: the start must fail on the secret, not on the connection.
      env: { ...env, DATABASE_URL: "postgresql://nobody@127.0.0.1:9/none", PORT: "3499" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/NEXTAUTH_SECRET is not set/);
  }, 60_000);
});

describe("docker-compose.yml", () => {
  it("has no fallback secret: compose refuses to start without NEXTAUTH_SECRET", () => {
    const compose = parse(readFileSync(path.join(root, "docker-compose.yml"), "utf8"));
    const value = String(compose.services.app.environment.NEXTAUTH_SECRET);
    expect(value).toMatch(/^\$\{NEXTAUTH_SECRET:\?[^}]+\}$/);
  });
});

describe("KUBECLASS_WORKERS", () => {
  it("runs the simulations on one worker thread unless told 0 (docs/adr/0033)", async () => {
    const { workersFromEnv } = await import("./workspaces");
    const saved = process.env.KUBECLASS_WORKERS;
    try {
      delete process.env.KUBECLASS_WORKERS;
      expect(workersFromEnv()).toBe(1);
      for (const [value, workers] of [
        ["0", 0],
        ["2", 2],
        ["", 1],
        ["many", 1],
      ] as const) {
        process.env.KUBECLASS_WORKERS = value;
        expect(workersFromEnv(), value).toBe(workers);
      }
    } finally {
      if (saved === undefined) delete process.env.KUBECLASS_WORKERS;
      else process.env.KUBECLASS_WORKERS = saved;
    }
  });
});
