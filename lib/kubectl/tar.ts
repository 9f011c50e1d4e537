/**
 * The tar format (POSIX ustar, and GNU tar's variant of its header), as bytes: what `kubectl cp`
 * writes and reads (Go's archive/tar on the client side) and what the container's GNU tar
 * (lib/shell/tar.ts) makes and extracts. Streams travel as text through the simulated pipes and
 * the exec websocket: a stream is the UTF-8 decoding of its bytes. Headers are ASCII and padding
 * is NUL, so a stream of UTF-8 files survives that decoding byte for byte; sizes and offsets are
 * counted in bytes, never in UTF-16 units.
 */

const BLOCK = 512;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export type TarType = "file" | "dir" | "symlink" | "other";

export interface TarEntry {
  name: string;
  type: TarType;
  /** File contents (UTF-8 text). */
  data: string;
  /** Permission bits (0o644, 0o755). */
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  uid?: number;
  gid?: number;
  uname?: string;
  gname?: string;
  linkname?: string;
}

/** GNU tar's default header (`ustar  \0`), or POSIX ustar (`ustar\0` `00`) as Go writes it. */
export type TarFormat = "gnu" | "ustar";

function octal(n: number, width: number): string {
  // width - 1 digits and a NUL, as both GNU tar and Go write numeric fields
  return n.toString(8).padStart(width - 1, "0");
}

function put(block: Uint8Array, offset: number, width: number, text: string): void {
  const bytes = encoder.encode(text);
  block.set(bytes.subarray(0, width), offset);
}

function header(e: TarEntry, name: string, size: number, format: TarFormat, typeflag: string): Uint8Array {
  const h = new Uint8Array(BLOCK);
  let prefix = "";
  let short = name;
  if (format === "ustar" && encoder.encode(name).length > 100) {
    for (let i = name.indexOf("/"); i > 0; i = name.indexOf("/", i + 1)) {
      if (encoder.encode(name.slice(0, i)).length <= 155 && encoder.encode(name.slice(i + 1)).length <= 100) {
        prefix = name.slice(0, i);
        short = name.slice(i + 1);
        break;
      }
    }
  }
  put(h, 0, 100, short);
  put(h, 100, 8, octal(e.mode & 0o7777, 8));
  put(h, 108, 8, octal(e.uid ?? 0, 8));
  put(h, 116, 8, octal(e.gid ?? 0, 8));
  put(h, 124, 12, octal(size, 12));
  put(h, 136, 12, octal(Math.max(0, Math.floor(e.mtime)), 12));
  put(h, 148, 8, "        ");
  put(h, 156, 1, typeflag);
  put(h, 157, 100, e.linkname ?? "");
  if (format === "gnu") put(h, 257, 8, "ustar  ");
  else {
    put(h, 257, 6, "ustar");
    put(h, 263, 2, "00");
  }
  put(h, 265, 32, e.uname ?? "");
  put(h, 297, 32, e.gname ?? "");
  if (format === "ustar") {
    put(h, 329, 8, octal(0, 8));
    put(h, 337, 8, octal(0, 8));
    put(h, 345, 155, prefix);
  }
  let sum = 0;
  for (const b of h) sum += b;
  put(h, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return h;
}

/** A ustar header holds a name of ≤ 100 bytes, or a ≤ 155-byte prefix, a slash and ≤ 100 bytes. */
function fitsUstar(name: string): boolean {
  const n = encoder.encode(name).length;
  if (n <= 100) return true;
  for (let i = name.indexOf("/"); i > 0; i = name.indexOf("/", i + 1)) {
    if (encoder.encode(name.slice(0, i)).length <= 155 && encoder.encode(name.slice(i + 1)).length <= 100)
      return true;
  }
  return false;
}

/** `LEN key=value\n`, LEN counting its own digits. */
function paxRecord(key: string, value: string): Uint8Array {
  const body = encoder.encode(` ${key}=${value}\n`).length;
  let len = body + String(body).length;
  if (String(len).length !== String(body).length) len = body + String(len).length;
  return encoder.encode(`${len} ${key}=${value}\n`);
}

const TYPEFLAG: Record<TarType, string> = { file: "0", dir: "5", symlink: "2", other: "0" };

function padded(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bytes.length / BLOCK) * BLOCK);
  out.set(bytes);
  return out;
}

/**
 * An archive of `entries`, ended by two zero blocks and padded to GNU tar's record of 20 blocks
 * (`gnu`) as GNU tar writes to a pipe; Go's writer ends after the two zero blocks (`ustar`).
 */
export function packTar(entries: TarEntry[], format: TarFormat): string {
  const parts: Uint8Array[] = [];
  for (const e of entries) {
    const name = e.type === "dir" && !e.name.endsWith("/") ? `${e.name}/` : e.name;
    const data = e.type === "file" ? encoder.encode(e.data) : new Uint8Array(0);
    if (format === "ustar" && !fitsUstar(name)) {
      // Go's writer: a PAX extended header (`x`) holding `path=` for a name ustar cannot hold
      const record = paxRecord("path", name);
      parts.push(
        header(
          { ...e, linkname: "" },
          `PaxHeaders.0/${name.slice(-80)}`.slice(0, 99),
          record.length,
          format,
          "x",
        ),
        padded(record),
      );
    }
    if (format === "gnu" && encoder.encode(name).length > 100) {
      // GNU tar's long name: a `././@LongLink` entry of type L holding the name
      const long = encoder.encode(`${name}\0`);
      parts.push(
        header({ ...e, mode: 0o644, mtime: 0, linkname: "" }, "././@LongLink", long.length, format, "L"),
        padded(long),
      );
    }
    parts.push(header(e, name, data.length, format, TYPEFLAG[e.type]), padded(data));
  }
  parts.push(new Uint8Array(BLOCK * 2));
  let total = parts.reduce((n, p) => n + p.length, 0);
  if (format === "gnu") {
    const record = BLOCK * 20;
    const rest = total % record;
    if (rest !== 0) {
      parts.push(new Uint8Array(record - rest));
      total += record - rest;
    }
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return decoder.decode(out);
}

function field(block: Uint8Array, offset: number, width: number): string {
  const slice = block.subarray(offset, offset + width);
  const end = slice.indexOf(0);
  return decoder.decode(end < 0 ? slice : slice.subarray(0, end));
}

function number(block: Uint8Array, offset: number, width: number): number | undefined {
  const text = field(block, offset, width).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) return undefined;
  return Number.parseInt(text, 8);
}

/** What reading an archive found: its entries, and the error that stopped it if any. */
export interface TarRead {
  entries: TarEntry[];
  /** `unexpected EOF` (truncated), `invalid header` (not a tar stream), as Go's reader says. */
  error?: "unexpected EOF" | "invalid header";
  /** The stream held no header at all (GNU tar: `This does not look like a tar archive`). */
  empty: boolean;
}

export function readTar(stream: string): TarRead {
  const bytes = encoder.encode(stream);
  const entries: TarEntry[] = [];
  let at = 0;
  let longName: string | undefined;
  while (true) {
    if (at + BLOCK > bytes.length) {
      return at === bytes.length && entries.length > 0
        ? { entries, empty: false }
        : { entries, error: bytes.length === 0 ? undefined : "unexpected EOF", empty: entries.length === 0 };
    }
    const block = bytes.subarray(at, at + BLOCK);
    if (block.every((b) => b === 0)) return { entries, empty: entries.length === 0 && at === 0 };
    const sum = number(block, 148, 8);
    let computed = 0;
    for (let i = 0; i < BLOCK; i++) computed += i >= 148 && i < 156 ? 32 : (block[i] ?? 0);
    const size = number(block, 124, 12);
    if (sum === undefined || sum !== computed || size === undefined)
      return { entries, error: "invalid header", empty: entries.length === 0 };
    const typeflag = String.fromCharCode(block[156] ?? 0);
    const start = at + BLOCK;
    const end = start + size;
    if (end > bytes.length) return { entries, error: "unexpected EOF", empty: false };
    const body = bytes.subarray(start, end);
    at = start + Math.ceil(size / BLOCK) * BLOCK;
    if (typeflag === "L") {
      longName = field(body, 0, body.length);
      continue;
    }
    if (typeflag === "x" || typeflag === "g") {
      // PAX records: `LEN key=value\n`; `path` names the next entry
      const text = decoder.decode(body);
      for (const m of text.matchAll(/(\d+) ([^=]+)=([^\n]*)\n/g))
        if (typeflag === "x" && m[2] === "path") longName = m[3];
      continue;
    }
    const magic = field(block, 257, 6);
    const prefix = magic === "ustar" ? field(block, 345, 155) : "";
    const name = longName ?? (prefix ? `${prefix}/${field(block, 0, 100)}` : field(block, 0, 100));
    longName = undefined;
    const type: TarType =
      typeflag === "5" || (typeflag === "0" && name.endsWith("/"))
        ? "dir"
        : typeflag === "0" || typeflag === "\0" || typeflag === "7"
          ? "file"
          : typeflag === "2"
            ? "symlink"
            : "other";
    entries.push({
      name,
      type,
      data: type === "file" ? decoder.decode(body) : "",
      mode: number(block, 100, 8) ?? 0o644,
      mtime: number(block, 136, 12) ?? 0,
      uid: number(block, 108, 8) ?? 0,
      gid: number(block, 116, 8) ?? 0,
      uname: field(block, 265, 32),
      gname: field(block, 297, 32),
      linkname: field(block, 157, 100),
    });
  }
}
