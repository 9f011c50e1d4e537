/**
 * What a teacher's mirror of a student's terminal may not carry: OSC 8 hyperlinks. A student can
 * print `ESC ] 8 ; ; http://… ESC \` and the teacher's xterm would show a clickable link (a
 * phishing lure on the teacher's screen). The link is removed and its text kept. Output arrives
 * in chunks, so a sequence cut between two chunks is held back until it is complete (bounded:
 * an unterminated sequence longer than MAX_PENDING is dropped).
 */
const ESC = "\x1b";
const MAX_PENDING = 4096;

/** An OSC 8 sequence: ESC ] 8 ; params ; uri, ended by BEL or ST (ESC \). */
const OSC8 = /\x1b\]8;[^\x07\x1b]*(?:\x07|\x1b\\)/g;

export class Osc8Stripper {
  private pending = "";

  push(chunk: string): string {
    let text = stripOsc8(this.pending + chunk);
    this.pending = "";
    const cut = this.unfinishedFrom(text);
    if (cut >= 0) {
      this.pending = text.slice(cut);
      text = text.slice(0, cut);
      if (this.pending.length > MAX_PENDING) this.pending = "";
    }
    return text;
  }

  /** Where an OSC 8 sequence starts that this chunk does not finish, or -1. */
  private unfinishedFrom(text: string): number {
    // Complete sequences are gone already: any opening left is waiting for its terminator.
    const open = text.indexOf(`${ESC}]8;`);
    if (open >= 0) return open;
    for (const prefix of [`${ESC}]8`, `${ESC}]`, ESC])
      if (text.endsWith(prefix)) return text.length - prefix.length;
    return -1;
  }
}

/** For a whole screen (the replay a watcher gets first). */
export function stripOsc8(text: string): string {
  // Until nothing changes: removing one sequence can join the pieces around it into another.
  for (let prev = ""; prev !== text; ) {
    prev = text;
    text = text.replace(OSC8, "");
  }
  return text;
}
