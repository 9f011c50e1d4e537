/**
 * `pods/exec` for the real kubectl: Kubernetes' websocket remote-command protocol
 * (`v5.channel.k8s.io`, `v4.channel.k8s.io`) on top of lib/shell's container shell.
 *
 * Every binary message starts with a channel byte: 0 stdin, 1 stdout, 2 stderr, 3 error (one
 * Status JSON, written when the command ends), 4 resize (`{"Width":…,"Height":…}`); v5 adds 255,
 * "close stream N", which kubectl sends when its stdin reaches EOF.
 *
 * Without a TTY, stdin is buffered until EOF and handed to the command whole (as lib/shell's pipes
 * are). With a TTY (`kubectl exec -ti POD -- bash`) the keys go through the production terminal
 * (lib/terminal, the line discipline of every student tab): echo, line editing, history, Tab
 * completion of paths, Ctrl-C, and Ctrl-D on an empty line exits; output gets CRLF as from a pty.
 *
 * A long line in an exec shell takes the students' turns of the event loop (server/slices.ts)
 * like a line in a student's tab, and the socket hands over one message per turn
 * (server/rate-limit.ts OneMessagePerTurn): an exec is no way around the noisy-neighbour bounds.
 *
 * Lives outside the pure core: it owns the socket and real timers.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import type { Cluster } from "../../lib/cluster";
import type { Clock } from "../../lib/cluster/types";
import { BUILTINS } from "../../lib/shell/builtins";
import { type ContainerFacts, containerFs, createContainerShell } from "../../lib/shell/container";
import { MAX_FILE_BYTES, type VirtualFs } from "../../lib/shell/fs";
import type { Shell } from "../../lib/shell/interp";
import { InterruptSource } from "../../lib/shell/interrupt";
import { shellQuote } from "../../lib/shell/quote";
import type { Machine, RunIO, Scheduler } from "../../lib/shell/types";
import { createTerminal, type Terminal } from "../../lib/terminal/terminal";
import { containerResolver } from "../../lib/terminal/wiring";
import { OneMessagePerTurn } from "../rate-limit";
import { type Slices, slices as serverSlices } from "../slices";

export const EXEC_PROTOCOLS = ["v5.channel.k8s.io", "v4.channel.k8s.io"] as const;

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

const SHELLS = new Set(["bash", "sh", "/bin/bash", "/bin/sh", "/usr/bin/bash"]);

/**
 * Real time from the upgrade to the process's first output. kubectl (client-go's websocket
 * executor) starts reading the connection before it has registered its streams, and drops what
 * arrives for a stream it has not registered yet ("Unknown stream id 1, discarding message").
 * A real API server only dials the kubelet after the upgrade, and the runtime then starts the
 * process: the first byte comes a few round trips later. A command that wrote at once lost its
 * output now and then (`exec POD -- cat /server.js` in the differential run, ADR 0026).
 */
export const EXEC_START_MS = 20;

/** What `/api/v1/namespaces/NS/pods/NAME/exec?…` asks for. */
export interface ExecRequest {
  namespace: string;
  pod: string;
  container?: string;
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export function parseExecUrl(url: string): ExecRequest | undefined {
  const u = new URL(url, "http://localhost");
  const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec\/?$/.exec(u.pathname);
  if (!m?.[1] || !m[2]) return undefined;
  const flag = (k: string) => u.searchParams.get(k) === "true" || u.searchParams.get(k) === "1";
  const req: ExecRequest = {
    namespace: decodeURIComponent(m[1]),
    pod: decodeURIComponent(m[2]),
    command: u.searchParams.getAll("command"),
    stdin: flag("stdin"),
    stdout: flag("stdout"),
    stderr: flag("stderr"),
    tty: flag("tty"),
  };
  const c = u.searchParams.get("container");
  if (c) req.container = c;
  return req;
}

/** The Status the kubelet writes on the error channel when the command has ended. */
export function exitStatus(code: number, command: string[]): Record<string, unknown> {
  if (code === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message: `command terminated with non-zero exit code: error executing command [${command.join(" ")}], exit code ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
}

/** Answers an upgrade request that can't be served, with a Status as the API server would. */
function refuse(socket: Duplex, code: number, status: Record<string, unknown> | string): void {
  const json = typeof status !== "string";
  const body = json ? `${JSON.stringify({ kind: "Status", apiVersion: "v1", ...status })}\n` : status;
  const text = code === 404 ? "Not Found" : code === 400 ? "Bad Request" : "Internal Server Error";
  socket.end(
    `HTTP/1.1 ${code} ${text}\r\nContent-Type: ${json ? "application/json" : "text/plain; charset=utf-8"}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

export interface ExecBridge {
  /** Handles an `upgrade` event of the HTTP server; false when the path is not `pods/exec`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Ends every open session. */
  close(): void;
}

export function createExecBridge(
  cluster: Cluster,
  opts: { clock?: Clock; slices?: Slices } = {},
): ExecBridge {
  const clock: Clock = opts.clock ?? { now: () => Date.now() };
  const scheduler: Scheduler = {
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
    // the cluster's exec sessions are one student's: they share one place in the turns
    yieldNow: (opts.slices ?? serverSlices).yielder(),
  };
  const machine: Machine = {
    api: cluster.handle,
    net: (r) => cluster.net(r),
    listen: () => false,
    unlisten: () => {},
  };
  const resolve = containerResolver(cluster);
  /** Files written in a container survive between exec sessions, as in a real container. */
  const filesystems = new Map<string, VirtualFs>();
  const wss = new OneMessagePerTurn({
    noServer: true,
    handleProtocols: (offered) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  const open = new Set<WebSocket>();

  return {
    handleUpgrade(req, socket, head) {
      const exec = parseExecUrl(req.url ?? "/");
      if (!exec) return false;
      const facts = resolve({
        namespace: exec.namespace,
        pod: exec.pod,
        ...(exec.container ? { container: exec.container } : {}),
      });
      if (typeof facts === "string") {
        refuse(socket, ...refusal(facts, exec));
        return true;
      }
      if (exec.command.length === 0) {
        refuse(socket, 400, {
          metadata: {},
          status: "Failure",
          message: "you must specify at least one command for the container",
          reason: "BadRequest",
          code: 400,
        });
        return true;
      }
      const offered = (req.headers["sec-websocket-protocol"] ?? "").split(",").map((p) => p.trim());
      if (
        (req.headers.upgrade ?? "").toLowerCase() !== "websocket" ||
        !EXEC_PROTOCOLS.some((p) => offered.includes(p))
      ) {
        // SPDY is not spoken here. kubectl only falls back to it after a refused websocket
        // handshake, and then prints this answer's Status, so the checks above come first.
        refuse(socket, 400, {
          metadata: {},
          status: "Failure",
          message: "Upgrade request required",
          reason: "BadRequest",
          code: 400,
        });
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        open.add(ws);
        ws.on("close", () => open.delete(ws));
        const key = `${facts.namespace}/${facts.pod}/${facts.container}`;
        let fs = filesystems.get(key);
        if (!fs) {
          fs = containerFs(facts);
          filesystems.set(key, fs);
        }
        const session = new Session(ws, exec, facts, fs, { machine, clock, scheduler });
        session.start();
        const start = setTimeout(() => session.begin(), EXEC_START_MS);
        ws.on("close", () => clearTimeout(start));
      });
      return true;
    },
    close() {
      for (const ws of open) ws.terminate();
      wss.close();
    },
  };
}

/** Maps lib/cluster's exec refusals (kubectl's printed words) to an HTTP status and Status. */
function refusal(text: string, exec: ExecRequest): [number, Record<string, unknown> | string] {
  if (text.startsWith("Error from server (NotFound)")) {
    return [
      404,
      {
        metadata: {},
        status: "Failure",
        message: `pods "${exec.pod}" not found`,
        reason: "NotFound",
        details: { name: exec.pod, kind: "pods" },
        code: 404,
      },
    ];
  }
  const m = /container (\S+) not found in pod/.exec(text);
  if (m) {
    return [
      400,
      {
        metadata: {},
        status: "Failure",
        message: `container ${m[1]} is not valid for pod ${exec.pod}`,
        reason: "BadRequest",
        code: 400,
      },
    ];
  }
  // The kubelet's own refusal (e.g. `container not found ("c")` for a container that is not
  // running) is plain text; kubectl prints it as `error: unable to upgrade connection: …`.
  return [404, text.replace(/^error: (unable to upgrade connection: )?/, "")];
}

class Session {
  private readonly shell: Shell;
  private stdinBuf = "";
  private stdinClosed = false;
  /** The terminal of `exec -ti … -- bash`. */
  private term: Terminal | undefined;
  private columns = 80;
  private running: InterruptSource | undefined;
  private ended = false;
  private started = false;
  private readonly decoder = new TextDecoder();
  /** The process has started (see begin). */
  private begun = false;
  /** Keys typed into a TTY shell before it started (its line discipline gets them then). */
  private early = "";

  constructor(
    private readonly ws: WebSocket,
    private readonly exec: ExecRequest,
    private readonly facts: ContainerFacts,
    fs: VirtualFs,
    private readonly deps: { machine: Machine; clock: Clock; scheduler: Scheduler },
  ) {
    const isShell = SHELLS.has(exec.command[0] ?? "");
    this.shell = createContainerShell(facts, { ...deps, fs, tty: exec.tty, shell: isShell });
  }

  start(): void {
    this.ws.on("message", (data: Buffer, isBinary: boolean) =>
      this.onMessage(isBinary ? data : Buffer.from(data)),
    );
    this.ws.on("close", () => {
      this.ended = true;
      this.running?.fire("user");
      this.term?.dispose();
    });
  }

  /** The process starts (EXEC_START_MS after the upgrade): a shell's prompt, or the command. */
  begin(): void {
    if (this.ended) return;
    this.begun = true;
    if (this.interactiveShell()) {
      this.started = true;
      this.term = createTerminal({
        shell: this.shell,
        clock: this.deps.clock,
        scheduler: this.deps.scheduler,
        tty: true,
        columns: this.columns,
        eofExits: true,
        onOutput: (s) => this.send(STDOUT, s),
        onExit: (code) => this.finish(exitStatus(code, this.exec.command)),
      });
      if (this.early !== "") this.term.input(this.early);
      this.early = "";
    } else if (!this.exec.stdin || this.stdinClosed) void this.runOnce();
  }

  private interactiveShell(): boolean {
    const [name, flag] = this.exec.command;
    return this.exec.tty && this.exec.stdin && SHELLS.has(name ?? "") && flag !== "-c";
  }

  private onMessage(data: Buffer): void {
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === CLOSE) {
      if (payload[0] === STDIN) this.onStdinEnd();
      return;
    }
    if (channel === RESIZE) {
      try {
        const size = JSON.parse(payload.toString("utf8")) as { Width?: unknown; Height?: unknown };
        if (typeof size.Width === "number" && size.Width > 0) {
          this.columns = size.Width;
          this.term?.resize(size.Width, typeof size.Height === "number" ? size.Height : 24);
        }
      } catch {
        // A malformed resize is ignored, as the kubelet does.
      }
      return;
    }
    if (channel !== STDIN) return;
    const text = this.decoder.decode(payload, { stream: true });
    if (this.term !== undefined) this.term.input(text);
    else if (!this.begun && this.interactiveShell()) this.early = (this.early + text).slice(-MAX_FILE_BYTES);
    else if (this.exec.tty && text.includes("\x03")) this.running?.fire("user");
    else if (!this.stdinClosed) {
      if (this.stdinBuf.length + text.length > MAX_FILE_BYTES) {
        this.stdinTooLong();
        return;
      }
      this.stdinBuf += text;
      // A TTY has no EOF but Ctrl-D: a non-shell command reads until it.
      if (this.exec.tty && this.stdinBuf.includes("\x04")) {
        this.stdinBuf = this.stdinBuf.slice(0, this.stdinBuf.indexOf("\x04"));
        this.onStdinEnd();
      }
    }
  }

  private onStdinEnd(): void {
    if (this.stdinClosed) return;
    this.stdinClosed = true;
    if (this.begun && !this.started && !this.interactiveShell()) void this.runOnce();
  }

  /**
   * Stdin is handed to the command whole, as a file of the container (lib/shell's pipes are
   * strings): more than a file may hold ends the exec instead of growing without bound.
   */
  private stdinTooLong(): void {
    this.stdinClosed = true;
    this.stdinBuf = "";
    this.send(STDERR, `kubeclass: exec stdin over ${MAX_FILE_BYTES / 1024} KiB is not kept; stopped\n`);
    this.finish(exitStatus(1, this.exec.command));
  }

  private io(interrupt: InterruptSource): RunIO {
    return {
      stdout: (c) => this.send(STDOUT, c),
      stderr: (c) => this.send(this.exec.tty ? STDOUT : STDERR, c),
      tty: this.exec.tty,
      columns: this.columns,
      interrupt,
    };
  }

  /** A non-interactive command: runs once with the whole stdin, then reports its exit code. */
  private async runOnce(): Promise<void> {
    this.started = true;
    const argv = this.exec.command;
    const name = argv[0] ?? "";
    const interrupt = new InterruptSource();
    this.running = interrupt;
    const io = this.io(interrupt);
    let code = 0;
    if (SHELLS.has(name)) {
      if (argv[1] === "-c" && argv[2] !== undefined) code = (await this.shell.run(argv[2], io)).exitCode;
      else {
        // `bash` reading its script from stdin (`echo env | kubectl exec -i POD -- bash`).
        for (const line of this.stdinBuf.split("\n")) {
          if (line.trim() === "" || this.ended) continue;
          code = (await this.shell.run(line, io)).exitCode;
          if (this.shell.exited) break;
        }
      }
    } else if (BUILTINS[name] === undefined && this.shell.opts.programs[name] === undefined) {
      // What minikube's Docker runtime answers (the workstation's exec says the same).
      this.send(
        STDERR,
        `OCI runtime exec failed: exec failed: unable to start container process: exec: "${name}": executable file not found in $PATH: unknown\n`,
      );
      code = 126;
    } else {
      let line = argv.map(shellQuote).join(" ");
      const stdinPath = "/dev/.kubeclass-exec-stdin";
      if (this.exec.stdin) {
        this.shell.opts.fs.write(stdinPath, this.stdinBuf, false);
        line += ` < ${stdinPath}`;
      }
      code = (await this.shell.run(line, io)).exitCode;
      if (this.exec.stdin) this.shell.opts.fs.remove(stdinPath);
    }
    this.finish(exitStatus(code, argv));
  }

  private send(channel: number, text: string): void {
    if (this.ended || text === "") return;
    if (channel === STDOUT && !this.exec.stdout) return;
    if (channel === STDERR && !this.exec.stderr) return;
    const out = this.exec.tty && channel !== ERROR ? text.replace(/\r?\n/g, "\r\n") : text;
    this.ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(out, "utf8")]));
  }

  private finish(status: Record<string, unknown>): void {
    if (this.ended) return;
    this.send(ERROR, JSON.stringify(status));
    this.ended = true;
    this.running?.fire("user");
    this.term?.dispose();
    this.ws.close(1000);
    void this.facts;
  }
}
