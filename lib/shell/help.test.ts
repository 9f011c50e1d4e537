/**
 * `help` lists what the terminal runs, from the registries themselves, in the learner's
 * language ($LANG).
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../cluster";
import { kubectl } from "../kubectl";
import { commands as kubectlCommands } from "../kubectl/commands";
import { BUILTINS } from "./builtins";
import { ManualScheduler } from "./manual-time";
import type { InteractiveShell } from "./types";
import { createWorkstation } from "./workstation";

async function run(shell: InteractiveShell, line: string): Promise<{ out: string; code: number }> {
  let out = "";
  const w = (s: string) => {
    out += s;
  };
  const r = await shell.run(line, {
    stdout: w,
    stderr: w,
    tty: false,
    columns: 100,
    interrupt: { interrupted: false, reason: undefined, promise: new Promise(() => {}) } as never,
  });
  return { out, code: r.exitCode };
}

function station() {
  const scheduler = new ManualScheduler();
  const cluster = Cluster.create({ scenario: "explore-app", seed: 1, clock: scheduler.clock });
  return createWorkstation({
    machine: {
      api: (req) => cluster.handle(req),
      net: (req) => cluster.net(req),
      listen: () => false,
      unlisten: () => {},
    },
    clock: scheduler.clock,
    scheduler,
    programs: { kubectl },
  });
}

describe("help", () => {
  it("names every kubectl verb, program, builtin and text tool the shell runs", async () => {
    const shell = station().openShell("1");
    const { out, code } = await run(shell, "help");
    expect(code).toBe(0);
    for (const c of kubectlCommands)
      expect(out).toMatch(
        new RegExp(`^  ${c.name} +${c.short.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"),
      );
    for (const name of Object.keys(BUILTINS))
      expect(out).toMatch(new RegExp(`(^|  )${name.replace(/[[\]]/g, "\\$&")}( |$)`, "m"));
    expect(out).toMatch(/^ {2}curl URL — /m);
    expect(out).toMatch(/^ {2}minikube — /m);
    expect(out).toContain("Shell builtins:");
    expect(out).not.toContain("command not found");
  });

  it("speaks Japanese when LANG is Japanese", async () => {
    const shell = station().openShell("1");
    await run(shell, "export LANG=ja_JP.UTF-8");
    const { out } = await run(shell, "help | head -1");
    expect(out).toBe(
      "このターミナルは Kubernetes クラスタ（minikube）付きの、シミュレーションされた Linux 端末です。\n",
    );
    const full = (await run(shell, "help")).out;
    expect(full).toContain("シェルの組み込みコマンド:\n");
    expect(full).toContain("テキスト処理");
    expect(full).not.toContain("Shell builtins:");
  });

  it("is a builtin to `type`", async () => {
    const shell = station().openShell("1");
    expect((await run(shell, "type help")).out).toBe("help is a shell builtin\n");
  });
});
