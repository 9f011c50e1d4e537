import { asArr, asObj, str } from "../client";
import type { Command } from "./types";

export const SERVER_URL = "https://192.168.49.2:8443";

export const clusterInfoCommand: Command = {
  name: "cluster-info",
  short: "Display cluster information",
  flags: [],
  async run(ctx) {
    const color = ctx.io.tty;
    const line = (name: string, url: string): string =>
      color
        ? `\x1b[0;32m${name}\x1b[0m is running at \x1b[0;33m${url}\x1b[0m\n`
        : `${name} is running at ${url}\n`;
    ctx.client.get("/api");
    let text = line("Kubernetes control plane", SERVER_URL);
    try {
      const svcs = asArr(
        ctx.client.get("/api/v1/namespaces/kube-system/services", {
          labelSelector: "kubernetes.io/cluster-service=true",
        }).items,
      ).map(asObj);
      for (const s of svcs) {
        const m = asObj(s.metadata);
        const name = str(asObj(m.labels)["kubernetes.io/name"]) || str(m.name);
        const port = asObj(asArr(asObj(s.spec).ports)[0]);
        const portName = str(port.name) || String(port.port ?? "");
        const link = `${SERVER_URL}/api/v1/namespaces/kube-system/services/${str(m.name)}${portName ? `:${portName}` : ""}/proxy`;
        text += line(name, link);
      }
    } catch {
      // no kube-system services: only the control plane line
    }
    ctx.out(`${text}\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n`);
    return 0;
  },
};
