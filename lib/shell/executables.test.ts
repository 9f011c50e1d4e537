/**
 * A learner's own scripts and the workstation's programs by their paths: chmod's bits are kept
 * (and saved with the workstation), `./script` runs by its `#!` line, `/usr/bin/X` is X, and a
 * child shell is a new process with its own `$$`. Real bash 5.2 / GNU chmod are the reference
 * (the same behaviours run beside real bash in test/bash-cases/executables.txt).
 */
import { describe, expect, it } from "vitest";
import { offlineWorkstation, runLine } from "./harness";
import { BASH_VERSION } from "./interp";
import { applyMode, parseMode } from "./modes";

describe("chmod's modes as GNU chmod computes them (umask 022)", () => {
  it.each([
    ["+x", 0o644, false, 0o755],
    ["-x", 0o775, false, 0o664],
    ["=w", 0o644, false, 0o200],
    ["u+x,g-r", 0o644, false, 0o704],
    ["go=", 0o644, false, 0o600],
    ["a=rX", 0o644, false, 0o444],
    ["a=rX", 0o744, false, 0o555],
    ["a=rX", 0o700, true, 0o555],
    ["g=u", 0o640, false, 0o660],
    ["o+r,g=u", 0o600, false, 0o664],
    ["u=rw+x", 0o000, false, 0o700],
    ["o+t", 0o644, false, 0o1644],
    ["g+s", 0o644, false, 0o2644],
    ["u+s,u-x", 0o755, false, 0o4655],
    ["1777", 0o644, false, 0o1777],
  ])("%s on %o (directory: %s) gives %o", (text, before, isDir, after) => {
    const mode = parseMode(text);
    expect(mode).toBeDefined();
    if (mode !== undefined) expect(applyMode(mode, before, isDir)).toBe(after);
  });

  it.each(["x", "+z", "8", "u=gx", "ugoa", "u+w x"])("%s is not a mode", (text) => {
    expect(parseMode(text)).toBeUndefined();
  });
});

describe("the learner's scripts", () => {
  it("a script runs by its path once it is executable, and stays so after a restart", async () => {
    const { ws, sh } = offlineWorkstation();
    await runLine(sh, `printf '#!/bin/bash\\necho "hi $1"\\n' > hello.sh`);
    const before = await runLine(sh, "./hello.sh you");
    expect(before.err).toBe("bash: ./hello.sh: Permission denied\n");
    expect(before.exitCode).toBe(126);
    await runLine(sh, "chmod +x hello.sh");
    expect((await runLine(sh, "./hello.sh you; ~/hello.sh me")).out).toBe("hi you\nhi me\n");
    // the bits are part of the saved workstation (and only the changed ones are written)
    const snap = JSON.parse(JSON.stringify(ws.toJSON()));
    expect(snap.files.modes).toEqual({ "/home/student/hello.sh": 0o755 });
    const again = offlineWorkstation();
    again.ws.fromJSON(snap);
    const tab = again.ws.openShell("1");
    expect((await runLine(tab, "./hello.sh again; ls -l hello.sh | cut -c1-10")).out).toBe(
      "hi again\n-rwxr-xr-x\n",
    );
  });

  it("a workstation nobody chmod-ed saves no modes and no default BASH_VERSION", async () => {
    const { ws, sh } = offlineWorkstation();
    await runLine(sh, "echo x > f; mkdir d");
    const snap = ws.toJSON();
    expect(snap.files.modes).toBeUndefined();
    expect(Object.keys(snap.tabs["1"]?.vars ?? {})).not.toContain("BASH_VERSION");
    const again = offlineWorkstation();
    again.ws.fromJSON(JSON.parse(JSON.stringify(snap)));
    expect((await runLine(again.ws.openShell("1"), "echo $BASH_VERSION")).out).toBe(`${BASH_VERSION}\n`);
  });

  it("the owner's read and write bits are enforced; root's files cannot be chmod-ed", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, "echo secret > f; chmod 200 f");
    const read = await runLine(sh, "cat f; [ -r f ] || echo unreadable");
    expect(read.err).toBe("cat: f: Permission denied\n");
    expect(read.out).toBe("unreadable\n");
    await runLine(sh, "chmod 400 f");
    expect((await runLine(sh, "echo more >> f")).err).toBe("bash: f: Permission denied\n");
    expect((await runLine(sh, "chmod +x /etc; echo $?")).all).toBe(
      "chmod: changing permissions of '/etc': Operation not permitted\n1\n",
    );
  });

  it("a script that names itself as its interpreter stops four deep, as Linux does", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, "printf '#!./loop.sh\\n' > loop.sh; chmod +x loop.sh");
    const r = await runLine(sh, "./loop.sh; echo $?");
    expect(r.all).toBe(
      "bash: ./loop.sh: ./loop.sh: bad interpreter: Too many levels of symbolic links\n126\n",
    );
  });
});

describe("programs by their paths and child shells as processes", () => {
  it("/usr/bin/X, /bin/X and /usr/local/bin/kubectl are the programs `which` names", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(sh, "which ls bash cd; /usr/bin/echo a; /bin/echo b; /bin/sh -c 'echo $0'");
    expect(r.out).toBe("/usr/bin/ls\n/usr/bin/bash\na\nb\n/bin/sh\n");
    expect(r.exitCode).toBe(0);
    expect((await runLine(sh, "/usr/bin/nope")).err).toBe("bash: /usr/bin/nope: No such file or directory\n");
  });

  it("bash -c and sh -c get a new $$; a subshell keeps its parent's", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(sh, "echo $$; bash -c 'echo $$'; sh -c 'echo $$'; ( echo $$ ); echo $$");
    const [own, bash, dash, sub, after] = r.out.trim().split("\n");
    expect(new Set([own, bash, dash]).size).toBe(3);
    expect(sub).toBe(own);
    expect(after).toBe(own);
  });
});

describe("process substitution is bounded", () => {
  it("what a line's <(…) files hold together stops at one pipe's size, with a message", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(sh, "cat <(seq 100000) <(seq 100000) | wc -c; echo after");
    expect(r.err).toContain("bash: process substitution output over 1024 KiB; stopped\n");
    expect(r.out).not.toContain("after");
    // and the files are gone with the line
    expect((await runLine(sh, "ls /dev/fd")).out).toBe("");
  });
});
