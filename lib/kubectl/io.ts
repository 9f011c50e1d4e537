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
}

export type KubectlProgram = (io: KubectlIO) => Promise<number>;
