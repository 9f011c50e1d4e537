/** watch's title line (lib/shell/screen-programs.ts), kept apart so it can be tested alone. */

/**
 * procps-ng 4.0's title line, clipped to `width` as its rules say: "Every Ns: " and the command
 * on the left, "host: time" on the right; a command that does not fit is cut and followed by
 * "...", a narrower window keeps only "Every Ns:" or only the time, and one narrower than the
 * time shows nothing. (The time's length counts ctime's newline, hence the `+ 1`s.)
 */
export function watchTitle(width: number, interval: number, command: string, time: string): string {
  const head = `Every ${interval.toFixed(1)}s: `;
  const tsl = time.length + 1;
  const line = Array.from({ length: Math.max(0, width) }, () => " ");
  const put = (at: number, text: string): void => {
    for (let k = 0; k < text.length && at + k < width; k++) if (at + k >= 0) line[at + k] = text[k] ?? " ";
  };
  if (width < tsl) return "";
  if (width >= tsl + head.length + 1) {
    put(0, head);
    if (width >= tsl + head.length + 2) {
      if (width < tsl + head.length + 4) put(width - tsl - 4, "... ");
      else if (width < tsl + head.length + command.length) {
        put(head.length, command.slice(0, width - tsl - head.length - 4));
        put(width - tsl - 4, "... ");
      } else put(head.length, command);
    }
  }
  put(width - tsl + 1, time);
  return line.join("");
}
