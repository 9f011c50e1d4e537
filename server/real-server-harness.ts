/**
 * For the integration tests of the real server as a child process (crash.int.test.ts,
 * shutdown.int.test.ts): `scripts/start.ts` started as `npm run dev` starts it, and its output
 * kept. Not a test itself.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

export interface RealServer {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** stdout and stderr as they came. */
  output(): string;
  /** The exit code, once stdout and stderr are fully read. */
  exited: Promise<number | null>;
}

/**
 * Starts the server (node with tsx as a loader, so a signal reaches the server itself) on
 * 127.0.0.1:`port` and resolves once it says it is ready. `detached`: its own process group, as
 * a shell gives a foreground job (-pid is what Ctrl-C signals).
 */
export async function startRealServer(opts: {
  port: number;
  secret: string;
  env: Record<string, string>;
  detached?: boolean;
}): Promise<RealServer> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", "--dev", "--demo"], {
    cwd: root,
    detached: opts.detached ?? false,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      NEXTAUTH_SECRET: opts.secret,
      NEXTAUTH_URL: `http://127.0.0.1:${opts.port}`,
      HOST: "127.0.0.1",
      PORT: String(opts.port),
      NEXT_TELEMETRY_DISABLED: "1",
      ...opts.env,
    },
  });
  let out = "";
  let err = "";
  let all = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
    all += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
    all += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  const end = Date.now() + 150_000;
  while (!out.includes("kubeclass is ready on")) {
    if (child.exitCode !== null || Date.now() > end) throw new Error(`the server did not start:\n${all}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { child, stdout: () => out, stderr: () => err, output: () => all, exited };
}
