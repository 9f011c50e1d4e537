/**
 * The seams of the pure core. Every layer above lib/cluster talks to a cluster only through
 * these shapes: an HTTP-shaped request handler (what real kubectl would send over the wire)
 * and a virtual network for curl/proxy traffic. Keep them stable; see docs/adr/0002.
 */

/** Wall-clock source in epoch milliseconds. The pure core never reads the machine's clock itself. */
export interface Clock {
  now(): number;
}

/** A clock a test (or the simulator CLI) moves by hand. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** What real kubectl sends over HTTP, minus the socket. */
export interface ApiRequest {
  method: HttpMethod;
  /** Path without query string, e.g. `/api/v1/namespaces/default/pods`. */
  path: string;
  /** Query parameters; repeated keys are allowed (URLSearchParams semantics). */
  query?: URLSearchParams;
  /** Lower-case header names (`accept`, `content-type`, …). */
  headers?: Record<string, string>;
  body?: string;
}

/**
 * A long-lived response body (watch, `logs -f`, …). Chunks are pushed while the cluster is
 * touched (the owner of the stream keeps a timer only while it is open).
 */
export interface ApiStream {
  /** Register the chunk sink; returns immediately. Chunks already due are delivered at once. */
  start(onChunk: (chunk: string) => void, onEnd: () => void): void;
  /** Stop delivering and release everything the stream holds. */
  close(): void;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Present for streaming responses (watch=true, follow=true); `body` is then "". */
  stream?: ApiStream;
}

export type ApiHandler = (req: ApiRequest) => ApiResponse;

/** An HTTP request travelling on the student's virtual network (curl, proxy, services). */
export interface NetRequest {
  method: string;
  host: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Who is calling: the student's workstation, or a container in a pod (`ns/pod`). */
  from: { kind: "workstation" } | { kind: "pod"; namespace: string; pod: string };
}

export type NetResponse =
  | { kind: "response"; status: number; statusText: string; headers: Record<string, string>; body: string }
  /** TCP connection refused (nothing listens there). */
  | { kind: "refused" }
  /** The host does not answer at all (unknown IP): curl would hang until its timeout. */
  | { kind: "timeout" }
  /** The name does not resolve. */
  | { kind: "unresolved" };
