/**
 * curl over the virtual network (Machine.net). Flags: -s -S -i -v -X -H -d/--data(-raw) -o -L -f
 * -m/--max-time --connect-timeout -w '%{http_code}' -k. Errors use curl's own words and exit codes.
 */

import type { NetRequest, NetResponse } from "../cluster/types";
import { sleepFor } from "./interrupt";
import type { Program, ProgramIO } from "./types";

/** kubectl proxy's classroom hint header (lib/kubectl/cmd/proxy.ts); shown as a hint line. */
const HINT_HEADER = "x-kubeclass-hint";

export const CURL_VERSION = "8.5.0";
/** How long a SYN to a host that never answers takes to give up (Linux default retries). */
const OS_CONNECT_TIMEOUT_MS = 130_000;

interface CurlOptions {
  silent: boolean;
  showError: boolean;
  include: boolean;
  verbose: boolean;
  head: boolean;
  fail: boolean;
  method?: string;
  headers: [string, string][];
  data?: string;
  output?: string;
  writeOut?: string;
  maxTimeMs?: number;
  connectTimeoutMs?: number;
  url?: string;
}

const USAGE = "curl: try 'curl --help' or 'curl --manual' for more information\n";

function parseArgs(argv: string[]): CurlOptions | string {
  const o: CurlOptions = {
    silent: false,
    showError: false,
    include: false,
    verbose: false,
    head: false,
    fail: false,
    headers: [],
  };
  const withValue = new Set(["X", "H", "d", "o", "w", "m", "u", "A", "e"]);
  const long: Record<string, string> = {
    "--silent": "s",
    "--show-error": "S",
    "--include": "i",
    "--verbose": "v",
    "--head": "I",
    "--fail": "f",
    "--location": "L",
    "--insecure": "k",
    "--request": "X",
    "--header": "H",
    "--data": "d",
    "--data-raw": "d",
    "--data-binary": "d",
    "--output": "o",
    "--write-out": "w",
    "--max-time": "m",
    "--user-agent": "A",
    "--connect-timeout": "connect",
  };
  for (let i = 1; i < argv.length; i++) {
    let a = argv[i] ?? "";
    let inline: string | undefined;
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      if (eq > 0) {
        inline = a.slice(eq + 1);
        a = a.slice(0, eq);
      }
      const short = long[a];
      if (short === undefined) return `curl: option ${a}: is unknown\n${USAGE}`;
      const needs = withValue.has(short) || short === "connect";
      const v = needs ? (inline ?? argv[++i]) : undefined;
      if (needs && v === undefined) return `curl: option ${a}: requires parameter\n${USAGE}`;
      const err = apply(o, short, v);
      if (err !== undefined) return err;
      continue;
    }
    if (a.startsWith("-") && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const f = a[j] ?? "";
        if (withValue.has(f)) {
          const v = a.slice(j + 1) || argv[++i];
          if (v === undefined) return `curl: option -${f}: requires parameter\n${USAGE}`;
          const err = apply(o, f, v);
          if (err !== undefined) return err;
          break;
        }
        if (!"sSivIfLk".includes(f)) return `curl: option -${a.slice(j)}: is unknown\n${USAGE}`;
        apply(o, f, undefined);
      }
      continue;
    }
    o.url = a;
  }
  return o;
}

function apply(o: CurlOptions, f: string, v: string | undefined): string | undefined {
  switch (f) {
    case "s":
      o.silent = true;
      break;
    case "S":
      o.showError = true;
      break;
    case "i":
      o.include = true;
      break;
    case "v":
      o.verbose = true;
      break;
    case "I":
      o.head = true;
      break;
    case "f":
      o.fail = true;
      break;
    case "X":
      o.method = v;
      break;
    case "H": {
      const c = (v ?? "").indexOf(":");
      if (c > 0) o.headers.push([(v ?? "").slice(0, c).trim(), (v ?? "").slice(c + 1).trim()]);
      break;
    }
    case "d":
      o.data = o.data === undefined ? v : `${o.data}&${v}`;
      break;
    case "o":
      o.output = v;
      break;
    case "w":
      o.writeOut = v;
      break;
    case "A":
      o.headers.push(["User-Agent", v ?? ""]);
      break;
    case "m":
    case "connect": {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0)
        return `curl: (2) option ${f === "m" ? "-m" : "--connect-timeout"}: expected a proper numerical parameter\n${USAGE}`;
      if (f === "m") o.maxTimeMs = Math.round(n * 1000);
      else o.connectTimeoutMs = Math.round(n * 1000);
      break;
    }
  }
  return undefined;
}

interface ParsedUrl {
  scheme: string;
  host: string;
  port: number;
  path: string;
}

function parseUrl(raw: string): ParsedUrl | string {
  const m = /^(?:([a-zA-Z][a-zA-Z0-9+.-]*):\/\/)?([^/?#:]*|\[[^\]]*\])(?::([^/?#]*))?([^#]*)?/.exec(raw);
  if (m === null) return `curl: (3) URL using bad/illegal format or missing URL\n`;
  const scheme = (m[1] ?? "http").toLowerCase();
  if (scheme !== "http" && scheme !== "https") return `curl: (1) Protocol "${scheme}" not supported\n`;
  const host = m[2] ?? "";
  if (host === "") return "curl: (3) URL using bad/illegal format or missing URL\n";
  let port = scheme === "https" ? 443 : 80;
  if (m[3] !== undefined) {
    if (!/^\d+$/.test(m[3]) || Number(m[3]) > 65535)
      return "curl: (3) URL using bad/illegal format or missing URL\n";
    port = Number(m[3]);
  }
  let path = m[4] ?? "";
  if (path === "" || path.startsWith("?")) path = `/${path}`;
  return { scheme, host, port, path };
}

function statusText(status: number): string {
  const texts: Record<number, string> = {
    200: "OK",
    201: "Created",
    204: "No Content",
    301: "Moved Permanently",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
  };
  return texts[status] ?? "";
}

function progressMeter(bytes: number): string {
  const b = String(bytes);
  return (
    "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" +
    "                                 Dload  Upload   Total   Spent    Left  Speed\n" +
    `100 ${b.padStart(5)}  100 ${b.padStart(5)}    0     0  ${b.padStart(5)}      0 --:--:-- --:--:-- --:--:-- ${b.padStart(5)}\n`
  );
}

export function createCurl(from: NetRequest["from"]): Program {
  return async (io: ProgramIO) => {
    const parsed = parseArgs(io.argv);
    if (typeof parsed === "string") {
      io.stderr(parsed);
      return /^curl: \((\d+)\)/.test(parsed) ? Number(/^curl: \((\d+)\)/.exec(parsed)?.[1]) : 2;
    }
    const o = parsed;
    if (o.url === undefined) {
      io.stderr(`curl: no URL specified!\n${USAGE}`);
      return 2;
    }
    const url = parseUrl(o.url);
    const fail = (code: number, msg: string): number => {
      if (!o.silent || o.showError) io.stderr(`curl: (${code}) ${msg}\n`);
      return code;
    };
    if (typeof url === "string") {
      if (!o.silent || o.showError) io.stderr(url);
      return Number(/\((\d+)\)/.exec(url)?.[1] ?? 3);
    }
    const method = o.method ?? (o.head ? "HEAD" : o.data !== undefined ? "POST" : "GET");
    const hostHeader =
      url.port === (url.scheme === "https" ? 443 : 80) ? url.host : `${url.host}:${url.port}`;
    const headers: Record<string, string> = {
      host: hostHeader,
      "user-agent": `curl/${CURL_VERSION}`,
      accept: "*/*",
    };
    for (const [k, v] of o.headers) headers[k.toLowerCase()] = v;
    if (o.data !== undefined) {
      headers["content-type"] ??= "application/x-www-form-urlencoded";
      headers["content-length"] = String(new TextEncoder().encode(o.data).length);
    }
    const req: NetRequest = {
      method,
      host: url.host,
      port: url.port,
      path: url.path,
      headers,
      body: o.data,
      from,
    };
    const verbose = (s: string): void => {
      if (o.verbose) io.stderr(s);
    };
    const hostIp = url.host === "localhost" ? "127.0.0.1" : url.host;
    let res: NetResponse;
    try {
      res = io.machine.net(req);
    } catch (e) {
      return fail(
        56,
        `Failure when receiving data from the peer (${e instanceof Error ? e.message : "error"})`,
      );
    }
    if (res.kind === "unresolved") {
      verbose(`* Could not resolve host: ${url.host}\n* Closing connection\n`);
      return fail(6, `Could not resolve host: ${url.host}`);
    }
    verbose(`*   Trying ${hostIp}:${url.port}...\n`);
    if (res.kind === "refused") {
      verbose(`* connect to ${hostIp} port ${url.port} failed: Connection refused\n`);
      verbose(
        `* Failed to connect to ${url.host} port ${url.port} after 0 ms: Couldn't connect to server\n* Closing connection\n`,
      );
      return fail(
        7,
        `Failed to connect to ${url.host} port ${url.port} after 0 ms: Couldn't connect to server`,
      );
    }
    if (res.kind === "timeout") {
      const limits = [o.maxTimeMs, o.connectTimeoutMs, OS_CONNECT_TIMEOUT_MS].filter(
        (x): x is number => x !== undefined && x > 0,
      );
      const wait = Math.min(...limits);
      const started = io.clock.now();
      const finished = await sleepFor(io.scheduler, wait, io.interrupt);
      if (!finished) return 130;
      const took = Math.max(wait, io.clock.now() - started);
      if (o.maxTimeMs !== undefined && o.maxTimeMs === wait)
        return fail(28, `Connection timed out after ${took} milliseconds`);
      if (o.connectTimeoutMs !== undefined && o.connectTimeoutMs === wait)
        return fail(
          28,
          `Failed to connect to ${url.host} port ${url.port} after ${took} ms: Timeout was reached`,
        );
      return fail(
        28,
        `Failed to connect to ${url.host} port ${url.port} after ${took} ms: Couldn't connect to server`,
      );
    }
    verbose(`* Connected to ${url.host} (${hostIp}) port ${url.port}\n`);
    verbose(`> ${method} ${url.path} HTTP/1.1\n`);
    verbose(`> Host: ${hostHeader}\n> User-Agent: curl/${CURL_VERSION}\n> Accept: */*\n`);
    for (const [k, v] of o.headers) verbose(`> ${k}: ${v}\n`);
    if (o.data !== undefined) {
      verbose(`> Content-Length: ${headers["content-length"]}\n`);
      if (!o.headers.some(([k]) => k.toLowerCase() === "content-type"))
        verbose("> Content-Type: application/x-www-form-urlencoded\n");
    }
    verbose(">\n");
    const text = res.statusText || statusText(res.status);
    const headerLines = [`HTTP/1.1 ${res.status} ${text}`.trimEnd()];
    const resHeaders = { ...res.headers };
    const hint = resHeaders[HINT_HEADER];
    delete resHeaders[HINT_HEADER];
    const hasLength = Object.keys(resHeaders).some((k) => k.toLowerCase() === "content-length");
    if (!hasLength) resHeaders["Content-Length"] = String(new TextEncoder().encode(res.body).length);
    for (const [k, v] of Object.entries(resHeaders)) headerLines.push(`${k}: ${v}`);
    for (const l of headerLines) verbose(`< ${l}\n`);
    verbose("<\n");
    if (o.fail && res.status >= 400) {
      verbose(`* The requested URL returned error: ${res.status}\n* Closing connection\n`);
      return fail(22, `The requested URL returned error: ${res.status}`);
    }
    let out = "";
    if (o.include || o.head) out += `${headerLines.join("\r\n")}\r\n\r\n`;
    if (!o.head && method !== "HEAD") out += res.body;
    if (o.writeOut !== undefined) {
      out += o.writeOut
        .replace(/%\{http_code\}|%\{response_code\}/g, String(res.status))
        .replace(/%\{size_download\}/g, String(res.body.length))
        .replace(/\\n/g, "\n");
    }
    if (o.output !== undefined && o.output !== "-") {
      const write = io.writeFile;
      if (write === undefined) return fail(23, "Failure writing output to destination");
      const err = write(o.output, out);
      if (err !== undefined) {
        return fail(23, `Failed writing body`);
      }
      if (!o.silent) io.stderr(progressMeter(res.body.length));
    } else {
      if (!o.silent && !io.tty && !o.verbose && io.stdoutIsTerminal === false)
        io.stderr(progressMeter(res.body.length));
      io.stdout(out);
      if (hint !== undefined) {
        const nl = out === "" || out.endsWith("\n") ? "" : "\n";
        io.stderr(io.tty ? `${nl}\x1b[33mhint: ${hint}\x1b[0m\n` : `${nl}hint: ${hint}\n`);
      }
    }
    verbose(`* Connection #0 to host ${url.host} left intact\n`);
    return 0;
  };
}
