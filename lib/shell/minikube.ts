/** `minikube ip|status|version` for the student's single-node cluster. */
import type { Program } from "./types";

export interface MinikubeFacts {
  ip: string;
  version?: string;
  commit?: string;
}

export function createMinikube(facts: MinikubeFacts): Program {
  return async (io) => {
    const sub = io.argv[1];
    switch (sub) {
      case "ip":
        io.stdout(`${facts.ip}\n`);
        return 0;
      case "status":
        io.stdout(
          "minikube\ntype: Control Plane\nhost: Running\nkubelet: Running\napiserver: Running\nkubeconfig: Configured\n\n",
        );
        return 0;
      case "version":
        io.stdout(
          `minikube version: ${facts.version ?? "v1.35.0"}\ncommit: ${facts.commit ?? "dd5d320e41b5451cdf3c01891bc4e13d189586ed-dirty"}\n`,
        );
        return 0;
      case "service": {
        const name = io.argv.find((a, i) => i > 1 && !a.startsWith("-"));
        if (name === undefined) {
          io.stderr("❌  Exiting due to MK_USAGE: You must specify a service name\n");
          return 64;
        }
        io.stderr(
          `This classroom's minikube cannot open a browser; use: curl http://$(minikube ip):<NodePort>\n`,
        );
        return 1;
      }
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(
          "minikube provisions and manages local Kubernetes clusters optimized for development workflows.\n\nIn this classroom: minikube ip | status | version\n",
        );
        return 0;
      default:
        io.stderr(
          `Error: unknown command "${sub}" for "minikube"\n\nDid you mean this?\n\tip\n\nRun 'minikube --help' for usage.\n`,
        );
        return 1;
    }
  };
}
