import { str } from "../client";
import type { Command } from "./types";

export const CLIENT_VERSION = "v1.32.4";

export const versionCommand: Command = {
  name: "version",
  short: "Print the client and server version information",
  flags: [
    { name: "client", kind: "bool", def: "false" },
    { name: "output", short: "o", kind: "string", def: "" },
  ],
  async run(ctx, f) {
    const client = {
      major: "1",
      minor: "32",
      gitVersion: CLIENT_VERSION,
      gitCommit: "59526cd4867447956156ae3a602fcbac10a2c335",
      gitTreeState: "clean",
      buildDate: "2025-04-22T16:03:51Z",
      goVersion: "go1.23.6",
      compiler: "gc",
      platform: "linux/amd64",
    };
    let server: Record<string, unknown> | undefined;
    let serverErr: string | undefined;
    if (!f.bool("client")) {
      try {
        server = ctx.client.get("/version");
      } catch (e) {
        serverErr = e instanceof Error ? e.message : String(e);
      }
    }
    const o = f.str("output");
    if (o === "json" || o === "yaml") {
      const data: Record<string, unknown> = { clientVersion: client, kustomizeVersion: "v5.5.0" };
      if (server) data.serverVersion = server;
      if (o === "json") ctx.out(`${JSON.stringify(data, null, 2)}\n`);
      else {
        const { toYaml } = await import("../printers/yaml");
        ctx.out(toYaml(data));
      }
      return 0;
    }
    ctx.out(`Client Version: ${CLIENT_VERSION}\nKustomize Version: v5.5.0\n`);
    if (server) ctx.out(`Server Version: ${str(server.gitVersion)}\n`);
    if (serverErr) {
      ctx.err(`Error from server: ${serverErr}\n`);
      return 1;
    }
    return 0;
  },
};
