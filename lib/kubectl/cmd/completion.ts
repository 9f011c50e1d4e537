/**
 * `kubectl completion SHELL`: prints the code that sets up Tab completion for kubectl in that
 * shell, the first line of kubectl's documented set-up (`source <(kubectl completion bash)`,
 * then `alias k=kubectl` and `complete -o default -F __start_kubectl k`). In this classroom
 * the terminal completes kubectl itself (lib/terminal/complete.ts, from the same command
 * registry), so the bash code only registers the completion function, as the real script's
 * last lines do, under the names the real one uses; the terminal then completes every name
 * registered with `__start_kubectl` as kubectl. The words of the errors are kubectl v1.32's.
 */
import type { Command } from "./types";

const SHELLS = ["bash", "zsh", "fish", "powershell"] as const;

const BASH = `# bash completion for kubectl                              -*- shell-script -*-
#
# In this classroom's terminal, Tab completes kubectl's commands, flags, resource types and
# object names by itself. This code registers kubectl's completion function the way the real
# script ends, so that an alias can share it:
#
#     alias k=kubectl
#     complete -o default -F __start_kubectl k

__start_kubectl()
{
    # the terminal fills in the completions for every command registered with this function
    return 0
}

if [[ $(type -t compopt) = "builtin" ]]; then
    complete -o default -F __start_kubectl kubectl
else
    complete -o default -o nospace -F __start_kubectl kubectl
fi

# ex: ts=4 sw=4 et filetype=sh
`;

const ZSH = `#compdef kubectl
compdef _kubectl kubectl

# zsh completion for kubectl                              -*- shell-script -*-
#
# This classroom's terminal runs bash; in zsh on your own machine use the real
# \`kubectl completion zsh\`. Here Tab completes kubectl by itself.

_kubectl()
{
    return 0
}
`;

const FISH = `# fish completion for kubectl                              -*- shell-script -*-
#
# This classroom's terminal runs bash; in fish on your own machine use the real
# \`kubectl completion fish\`. Here Tab completes kubectl by itself.

complete -c kubectl -e
complete -c kubectl -f
`;

const POWERSHELL = `# powershell completion for kubectl                              -*- shell-script -*-
#
# This classroom's terminal runs bash; in PowerShell on your own machine use the real
# \`kubectl completion powershell\`. Here Tab completes kubectl by itself.

Register-ArgumentCompleter -CommandName 'kubectl' -ScriptBlock ([scriptblock]::Create(''))
`;

const SCRIPTS: Record<(typeof SHELLS)[number], string> = {
  bash: BASH,
  zsh: ZSH,
  fish: FISH,
  powershell: POWERSHELL,
};

export const completionCommand: Command = {
  name: "completion",
  short: "Output shell completion code for the specified shell (bash, zsh, fish, or powershell)",
  flags: [],
  async run(ctx, f) {
    const help = "See 'kubectl completion -h' for help and examples";
    if (f.args.length === 0) {
      ctx.err(`error: Shell not specified.\n${help}\n`);
      return 1;
    }
    if (f.args.length > 1) {
      ctx.err(`error: Too many arguments. Expected only the shell type.\n${help}\n`);
      return 1;
    }
    const shell = f.args[0] ?? "";
    const script = (SHELLS as readonly string[]).includes(shell)
      ? SCRIPTS[shell as (typeof SHELLS)[number]]
      : undefined;
    if (script === undefined) {
      ctx.err(`error: Unsupported shell type "${shell}".\n${help}\n`);
      return 1;
    }
    ctx.out(script);
    return 0;
  },
};
