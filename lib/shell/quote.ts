/** Quoting a word so that the shell reads it back unchanged. */

/** A word in single quotes, a quote inside as `'\''`: how bash's `alias` prints a value. */
export function singleQuote(s: string): string {
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** A word bare when nothing in it is special to the shell, else single-quoted. */
export function shellQuote(a: string): string {
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(a) ? a : singleQuote(a);
}
