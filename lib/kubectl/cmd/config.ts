/** `kubectl config`: the student's kubeconfig is minikube's, read-only in the classroom. */
import { fail } from "../client";
import { printJson } from "../printers/json";
import { toYaml } from "../printers/yaml";
import { tableTabs } from "../tabwriter";
import { SERVER_URL } from "./cluster-info";
import type { Command } from "./types";

function kubeconfig(minify: boolean, raw: boolean): Record<string, unknown> {
  const home = "/home/student/.minikube";
  return {
    apiVersion: "v1",
    clusters: [
      {
        cluster: { "certificate-authority": `${home}/ca.crt`, server: SERVER_URL },
        name: "minikube",
      },
    ],
    contexts: [
      { context: { cluster: "minikube", namespace: "default", user: "minikube" }, name: "minikube" },
    ],
    "current-context": "minikube",
    kind: "Config",
    ...(minify ? {} : { preferences: {} }),
    users: [
      {
        name: "minikube",
        user: raw
          ? {
              "client-certificate": `${home}/profiles/minikube/client.crt`,
              "client-key": `${home}/profiles/minikube/client.key`,
            }
          : {
              "client-certificate": `${home}/profiles/minikube/client.crt`,
              "client-key": `${home}/profiles/minikube/client.key`,
            },
      },
    ],
  };
}

const view: Command = {
  name: "view",
  short: "Display merged kubeconfig settings or a specified kubeconfig file",
  flags: [
    { name: "minify", kind: "bool", def: "false" },
    { name: "raw", kind: "bool", def: "false" },
    { name: "flatten", kind: "bool", def: "false" },
    { name: "output", short: "o", kind: "string", def: "yaml" },
  ],
  async run(ctx, f) {
    const cfg = kubeconfig(f.bool("minify"), f.bool("raw"));
    ctx.out(f.str("output") === "json" ? printJson(cfg) : toYaml(cfg));
    return 0;
  },
};

const currentContext: Command = {
  name: "current-context",
  short: "Display the current-context",
  flags: [],
  async run(ctx) {
    ctx.out("minikube\n");
    return 0;
  },
};

const getContexts: Command = {
  name: "get-contexts",
  short: "Describe one or many contexts",
  flags: [
    { name: "output", short: "o", kind: "string", def: "" },
    { name: "no-headers", kind: "bool", def: "false" },
  ],
  async run(ctx, f) {
    if (f.str("output") === "name") {
      ctx.out("minikube\n");
      return 0;
    }
    const lines = [
      ...(f.bool("no-headers") ? [] : ["CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE"]),
      "*\tminikube\tminikube\tminikube\tdefault",
    ];
    ctx.out(tableTabs(`${lines.join("\n")}\n`));
    return 0;
  },
};

const readOnly = (name: string): Command => ({
  name,
  short: `${name} (read-only in the classroom)`,
  flags: [
    { name: "namespace", kind: "string", def: "" },
    { name: "current", kind: "bool", def: "false" },
  ],
  async run() {
    throw fail("the classroom kubeconfig is read-only");
  },
});

export const configCommand: Command = {
  name: "config",
  short: "Modify kubeconfig files",
  flags: [],
  sub: [view, currentContext, getContexts, readOnly("use-context"), readOnly("set-context")],
};
