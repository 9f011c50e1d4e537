/**
 * How much of the server one student's workstation may hold, whatever they type: variables,
 * files, history and background jobs are bounded in total, not only per item (200 variables of
 * 1 MiB each once took the server from 0.29 to 4.76 GB). See docs/adr/0004-shell.md.
 */

export const WORKSTATION_LIMITS = {
  /** Bytes of all shell variables (names + values) of every tab of a workstation together. */
  varBytes: 4 * 1024 * 1024,
  /** Number of shell variables of every tab together. */
  vars: 4096,
  /** Bytes of one tab's history (oldest lines are dropped beyond it, like HISTSIZE). */
  historyBytes: 256 * 1024,
  /** Background jobs of a workstation (running or not yet reaped). */
  jobs: 64,
  /** Files and directories a student may create in one filesystem. */
  fsEntries: 10_000,
};

/** A bound was reached: the line stops with `bash: <message>` and status 1. */
export class ShellLimitError extends Error {}

export interface Var {
  value: string;
  exported: boolean;
  /** An indexed array: `value` holds the elements joined by NUL. */
  array?: boolean;
  /** An associative array (`array` is set too): `value` holds key, value, key, value… */
  assoc?: boolean;
}

/** Running totals shared by every tab of a workstation. */
export class VarUsage {
  bytes = 0;
  count = 0;
}

const size = (name: string, v: Var): number => name.length + v.value.length;

/**
 * A Map of shell variables that keeps the workstation's totals and refuses a `set` that would
 * exceed them. Restoring earlier state (subshell ends, temporary `X=1 cmd` assignments undone)
 * goes through `setUnchecked`/`replaceAll`, which never fail.
 */
export class VarTable extends Map<string, Var> {
  constructor(readonly usage: VarUsage = new VarUsage()) {
    super();
  }

  override set(name: string, v: Var): this {
    const prev = super.get(name);
    const delta = size(name, v) - (prev === undefined ? 0 : size(name, prev));
    const count = this.usage.count + (prev === undefined ? 1 : 0);
    if (
      delta > 0 &&
      (this.usage.bytes + delta > WORKSTATION_LIMITS.varBytes || count > WORKSTATION_LIMITS.vars)
    ) {
      throw new ShellLimitError(
        `${name}: cannot set variable: shell variables are limited to ${WORKSTATION_LIMITS.varBytes / 1024 / 1024} MiB and ${WORKSTATION_LIMITS.vars} variables in total`,
      );
    }
    return this.setUnchecked(name, v);
  }

  /**
   * Open child shells (`$(…)`, `( … )`): each keeps the value every variable had when it began,
   * noted at the variable's first change, so ending it costs what it changed. Copying the whole
   * table per command substitution made a line of thousands of variables hold the server for
   * hundreds of milliseconds (issue 12).
   */
  private readonly frames: Array<Map<string, Var | undefined>> = [];

  /** A child shell begins: changes from now on can be undone by `endFrame`. */
  beginFrame(): Map<string, Var | undefined> {
    const f = new Map<string, Var | undefined>();
    this.frames.push(f);
    return f;
  }

  /** The child shell ends: every variable is back to its value at `beginFrame`. */
  endFrame(f: Map<string, Var | undefined>): void {
    const i = this.frames.indexOf(f);
    if (i >= 0) this.frames.splice(i, 1);
    for (const [name, prev] of f) {
      if (prev === undefined) this.delete(name);
      else this.setUnchecked(name, prev);
    }
  }

  /** The variables as they were when the outermost open child shell began: the shell's own. */
  outermost(): Map<string, Var> {
    const m = new Map<string, Var>(this);
    const f = this.frames[0];
    if (f !== undefined)
      for (const [name, prev] of f) {
        if (prev === undefined) m.delete(name);
        else m.set(name, prev);
      }
    return m;
  }

  private note(name: string): void {
    for (const f of this.frames) if (!f.has(name)) f.set(name, super.get(name));
  }

  setUnchecked(name: string, v: Var): this {
    this.note(name);
    const prev = super.get(name);
    this.usage.bytes += size(name, v) - (prev === undefined ? 0 : size(name, prev));
    if (prev === undefined) this.usage.count++;
    return super.set(name, v);
  }

  override delete(name: string): boolean {
    const prev = super.get(name);
    if (prev === undefined) return false;
    this.note(name);
    this.usage.bytes -= size(name, prev);
    this.usage.count--;
    return super.delete(name);
  }

  override clear(): void {
    for (const name of [...this.keys()]) this.delete(name);
  }

  replaceAll(entries: Iterable<[string, Var]>): void {
    this.clear();
    for (const [k, v] of entries) this.setUnchecked(k, v);
  }
}
