import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: [
            "lib/**/*.test.ts",
            "scripts/**/*.test.ts",
            "server/**/*.test.ts",
            "test/**/*.test.ts",
            "app/**/*.test.ts",
          ],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          env: { TZ: "Asia/Tokyo" },
          // `npm test` runs these beside the type checker on two cores: a test that takes 2 s
          // alone may take three times that there. Bounds on work are on CPU time (test/cpu-clock).
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["**/*.int.test.ts"],
          // INT_ELSEWHERE: files `npm test` runs in another Vitest beside this one (ADR 0030).
          exclude: ["node_modules/**", ...(process.env.INT_ELSEWHERE?.split(",").filter(Boolean) ?? [])],
          env: { TZ: "Asia/Tokyo" },
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
