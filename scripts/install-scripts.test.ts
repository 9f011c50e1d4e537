/**
 * Every dependency with an install script is declared in package.json's `allowScripts`, so
 * `npm install` / `npm ci` stay quiet and a new one shows up as a deliberate review.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const npm = spawnSync("npm", ["--version"], { encoding: "utf8" });
const npmMajor = Number(npm.stdout?.split(".")[0] ?? 0);
const reason =
  npm.status !== 0
    ? "npm is not on PATH"
    : npmMajor < 11
      ? `npm ${npm.stdout.trim()} has no allowScripts (needs npm 11)`
      : "";
if (reason) console.warn(`skipping the allowScripts check: ${reason}`);

describe("package.json allowScripts", () => {
  it.skipIf(reason !== "")(
    "covers every installed package that has an install script",
    () => {
      const r = spawnSync("npm", ["approve-scripts", "--allow-scripts-pending"], {
        cwd: root,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(`${r.stdout}${r.stderr}`).not.toContain("not yet covered by allowScripts");
      expect(r.stdout).toContain("No packages with unreviewed install scripts");
    },
    60_000,
  );
});
