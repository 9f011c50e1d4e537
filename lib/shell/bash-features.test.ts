/**
 * The everyday-bash additions stay bounded whatever is typed (brace expansion, recursion, seq,
 * jq, xargs, printf widths), and behave as documented where the differential test cannot reach
 * (persistence across lines, the workstation's own paths).
 */
import { describe, expect, it } from "vitest";
import { offlineWorkstation, replaySession, runLine } from "./harness";

describe("bounds of the everyday-bash additions", () => {
  it("a huge brace expansion stops with a bounded error instead of building 100 million words", async () => {
    const { sh } = offlineWorkstation();
    const t0 = performance.now();
    const r = await runLine(sh, "echo {1..100000000}");
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(r.err).toContain("brace expansion");
    expect(r.exitCode).toBe(1);
    const nested = await runLine(sh, "echo {1..300}{1..300}");
    expect(nested.err).toContain("brace expansion");
    expect((await runLine(sh, "echo ok")).out).toBe("ok\n");
  });

  it("endless recursion stops at the nesting limit with bash's words", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(sh, "f() { f; }; f; echo after");
    expect(r.err).toMatch(/^bash: f: maximum function nesting level exceeded \(\d+\)\n/);
    expect(r.exitCode).toBe(1);
    expect((await runLine(sh, "echo ok")).out).toBe("ok\n");
  });

  it("seq, jq, xargs and printf cannot run away", async () => {
    const { sh } = offlineWorkstation();
    const seq = await runLine(sh, "seq 100000000");
    expect(seq.err).toContain("output limit");
    const jq = await runLine(sh, "jq -n '[range(100000000)] | length'");
    expect(jq.exitCode).not.toBe(0);
    expect(jq.err).toContain("too many values");
    const xargs = await runLine(sh, "seq 20000 | xargs -n 1 echo > /dev/null");
    expect(xargs.err).toContain("more than 10000 commands");
    const printf = await runLine(sh, "printf '%*d' 400000000 1");
    expect(printf.err).toContain("output limit");
    const loop = await runLine(sh, "for ((;;)); do :; done");
    expect(loop.err).toContain("more than 10000 commands");
  });

  it("functions and aliases persist across lines of a tab; locals do not leak", async () => {
    const { sh } = offlineWorkstation();
    const session = `$ greet() { local who=\${1:-world}; echo "hello $who"; }
$ alias k=kubectl
$ greet; greet you
hello world
hello you
$ echo "[$who]"
[]
$ type k
k is aliased to \`kubectl'
`;
    expect(await replaySession(sh, session)).toBe(session);
  });

  it("globs match the virtual home and leave an unmatched pattern as typed", async () => {
    const { sh } = offlineWorkstation();
    const session = String.raw`$ mkdir -p app && touch app/a.yaml app/b.yaml app/c.json .hidden.yaml
$ echo app/*.yaml *.yaml
app/a.yaml app/b.yaml *.yaml
$ cd app && echo ?.json && cd ..
c.json
$ echo '*.yaml' \*.yaml
*.yaml *.yaml
`;
    expect(await replaySession(sh, session)).toBe(session);
  });

  it("a here-document writes a manifest with expansions", async () => {
    const { sh } = offlineWorkstation();
    const session = `$ APP=web
$ cat <<EOF > deploy.yaml
> metadata:
>   name: $APP
>   home: '$HOME'
> EOF
$ cat deploy.yaml
metadata:
  name: web
  home: '/home/student'
`;
    expect(await replaySession(sh, session)).toBe(session);
  });
});

describe("second pass: what the differential test cannot show", () => {
  it("set -e ends the tab's shell as bash ends an interactive one, and the EXIT trap runs", async () => {
    const { sh } = offlineWorkstation();
    await runLine(sh, "trap 'echo cleaning up' EXIT");
    const r = await runLine(sh, "set -e; echo before; false; echo after");
    expect(r.out).toBe("before\ncleaning up\n");
    expect(r.exitCode).toBe(1);
    expect(sh.exited).toBe(true);
  });

  it("set -u stops the line but keeps the shell (interactive bash)", async () => {
    const { sh } = offlineWorkstation();
    const r = await runLine(sh, "set -u; echo $nope; echo after");
    expect(r.err).toBe("bash: nope: unbound variable\n");
    expect(r.out).toBe("");
    expect(sh.exited).toBe(false);
    expect((await runLine(sh, "echo ok")).out).toBe("ok\n");
  });

  it("yes feeds a pipe a bounded amount and find walks the virtual home", async () => {
    const { sh } = offlineWorkstation();
    expect((await runLine(sh, "yes | head -3")).out).toBe("y\ny\ny\n");
    // the reader of a pipe here gets 64 KiB of "y\n" (real yes runs until the reader closes)
    expect((await runLine(sh, "yes | wc -l")).out).toBe("32768\n");
    await runLine(sh, "mkdir -p k8s/base; echo x > k8s/base/deploy.yaml; echo y > k8s/notes.txt");
    expect((await runLine(sh, "find k8s -type f -name '*.yaml'")).out).toBe("k8s/base/deploy.yaml\n");
    expect((await runLine(sh, "find ~ -maxdepth 1 -type d")).out).toBe("/home/student\n/home/student/k8s\n");
  });

  it("$RANDOM differs from one read to the next and is seeded per tab", async () => {
    const { sh } = offlineWorkstation();
    const r = (await runLine(sh, "echo $RANDOM $RANDOM $RANDOM")).out.trim().split(" ");
    expect(new Set(r).size).toBe(3);
    for (const x of r) expect(Number(x)).toBeLessThan(32768);
  });
});
