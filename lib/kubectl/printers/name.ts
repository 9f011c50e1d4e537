/** `-o name`: `kind.group/name`, one per line. */
import { type Obj, str } from "../client";

export function printName(items: Obj[], prefixFor: (o: Obj) => string): string {
  return items.map((o) => `${prefixFor(o)}/${str((o.metadata as Obj | undefined)?.name)}\n`).join("");
}
