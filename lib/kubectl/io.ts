/**
 * What kubectl needs from the program host. lib/shell's ProgramIO extends it (the architecture
 * rules forbid lib/kubectl from importing lib/shell), so `kubectl` is a valid shell `Program`
 * without a dependency on the layer above.
 */
import type { ApiHandler, Clock, NetRequest, NetResponse } from "../cluster/types";
import type { RegexCost } from "./re2";

export interface KubectlScheduler {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface KubectlInterrupt {
  readonly interrupted: boolean;
  readonly promise: Promise<void>;
}

export interface KubectlMachine {
  api: ApiHandler;
  net(req: NetRequest): NetResponse;
  listen(port: number, serve: (req: NetRequest) => NetResponse): boolean;
  unlisten(port: number): void;
}

export interface KubectlIO {
  argv: string[];
  /** Everything piped in (already complete: pipes are buffered). "" when none. */
  stdin: string;
  stdout(chunk: string): void;
  stderr(chunk: string): void;
  /** The exported environment of the calling shell (read-only view). */
  env: ReadonlyMap<string, string>;
  /** True when the output goes to an interactive terminal (colour, TTY-only behaviour). */
  tty: boolean;
  /** Terminal width in columns (80 when unknown). */
  columns: number;
  interrupt: KubectlInterrupt;
  clock: Clock;
  scheduler: KubectlScheduler;
  machine: KubectlMachine;
  /** Reads a file of the caller's (`-f FILE`, `kubectl edit`'s temporary file, `kubectl cp`); path may be relative. */
  readFile?(path: string): string | undefined;
  /** Writes (truncates) a file of the caller's; returns an error text or undefined. */
  writeFile?(path: string, data: string): string | undefined;
  /** Names in a directory of the caller's files (`-f DIR`); undefined when it is no directory. */
  listDir?(path: string): string[] | undefined;
  /** Makes a directory of the caller's and its parents (`kubectl cp` from a pod); the failing one and why. */
  mkdirAll?(path: string): { path: string; error: string } | undefined;
  /** A container's files (`kubectl cp`); an error text when it cannot be reached. */
  containerFiles?(target: { namespace: string; pod: string; container?: string }):
    | {
        workingDir: string;
        read(path: string): string | undefined;
        isDir(path: string): boolean;
        write(path: string, data: string): string | undefined;
      }
    | string;
  /**
   * The calling line's budget, charged by every regular expression the student wrote (a JSONPath
   * filter's `=~`) before it is compiled or matched; past it the line stops (ADR 0036).
   */
  regexCost?: RegexCost;
  /** Runs a command of the calling shell on this terminal (`kubectl edit` runs `$EDITOR FILE`). */
  spawn?(argv: string[]): Promise<number>;
}

export type KubectlProgram = (io: KubectlIO) => Promise<number>;
