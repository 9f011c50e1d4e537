/** The server-side terminal of one tab and the headless driver (see docs/adr/0004-shell.md). */
export { candidates, KUBECTL_RESOURCES, KUBECTL_VERBS } from "./complete";
export { type DriverOptions, TerminalDriver, type TypedLine, type VirtualTime } from "./driver";
export { runScript, type ScriptOptions } from "./headless";
export { createTerminal, JOURNAL_OUTPUT, MAX_LINE, type Terminal, type TerminalOptions } from "./terminal";
export { displayWidth, stripAnsi, toCrlf } from "./text";
export { clusterWorkstation, containerResolver, kubectlCompleter } from "./wiring";
