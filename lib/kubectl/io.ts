/**
 * What kubectl needs from the program host. It is a structural subset of lib/shell's ProgramIO
 * (the architecture rules forbid lib/kubectl from importing lib/shell), so `kubectl` is a valid
 * shell `Program` without a dependency on the layer above.
 */
import type { ApiHandler, Clock, NetRequest, NetResponse } from "../cluster/types";

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
  stdin: string;
  stdout(chunk: string): void;
  stderr(chunk: string): void;
  env: ReadonlyMap<string, string>;
  tty: boolean;
  columns: number;
  interrupt: KubectlInterrupt;
  clock: Clock;
  scheduler: KubectlScheduler;
  machine: KubectlMachine;
  /** The caller's files (`-f FILE`, `kubectl edit`'s temporary file, `kubectl cp`); path may be relative. */
  readFile?(path: string): string | undefined;
  writeFile?(path: string, data: string): string | undefined;
  /** Names in a directory of the caller's files (`-f DIR`); undefined when it is no directory. */
  listDir?(path: string): string[] | undefined;
  /** A container's files (`kubectl cp`); an error text when it cannot be reached. */
  containerFiles?(target: { namespace: string; pod: string; container?: string }):
    | {
        workingDir: string;
        read(path: string): string | undefined;
        isDir(path: string): boolean;
        write(path: string, data: string): string | undefined;
      }
    | string;
  /** Runs a command of the calling shell on this terminal (`kubectl edit` runs `$EDITOR FILE`). */
  spawn?(argv: string[]): Promise<number>;
}

export type KubectlProgram = (io: KubectlIO) => Promise<number>;
