// `reelctl completion bash|zsh|fish`: shell completion generated from the command tree itself.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';

interface Tree {
  globals: string[];
  commands: { name: string; flags: string[] }[];
}

function tree(program: Command): Tree {
  const flags = (c: Command) => c.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x));
  return { globals: [...flags(program), '--help'], commands: program.commands.map((c) => ({ name: c.name(), flags: [...flags(c), '--help'] })) };
}

export function completionScript(shell: string, program: Command): string {
  const t = tree(program);
  const names = t.commands.map((c) => c.name).join(' ');
  if (shell === 'bash')
    return `# reelctl bash completion: source <(reelctl completion bash)
_reelctl() {
  local cur cmd
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd="\${COMP_WORDS[1]}"
  if [ "$COMP_CWORD" -eq 1 ]; then COMPREPLY=( $(compgen -W "${names} ${t.globals.join(' ')}" -- "$cur") ); return; fi
  case "$cmd" in
${t.commands.map((c) => `    ${c.name}) COMPREPLY=( $(compgen -W "${[...c.flags, ...t.globals].join(' ')}" -- "$cur") $(compgen -f -- "$cur") ) ;;`).join('\n')}
  esac
}
complete -F _reelctl reelctl
`;
  if (shell === 'zsh')
    return `#compdef reelctl
# reelctl zsh completion: reelctl completion zsh > "\${fpath[1]}/_reelctl"
_reelctl() {
  local -a commands
  commands=(${t.commands.map((c) => `'${c.name}'`).join(' ')})
  if (( CURRENT == 2 )); then _describe 'command' commands; return; fi
  case $words[2] in
${t.commands.map((c) => `    ${c.name}) _arguments '*:file:_files' ${[...c.flags, ...t.globals].map((f) => `'${f}'`).join(' ')} ;;`).join('\n')}
  esac
}
compdef _reelctl reelctl
`;
  if (shell === 'fish')
    return `# reelctl fish completion: reelctl completion fish > ~/.config/fish/completions/reelctl.fish
complete -c reelctl -f
${t.commands.map((c) => `complete -c reelctl -n "__fish_use_subcommand" -a ${c.name}`).join('\n')}
${t.commands
  .flatMap((c) => c.flags.filter((f) => f.startsWith('--')).map((f) => `complete -c reelctl -n "__fish_seen_subcommand_from ${c.name}" -l ${f.slice(2)}`))
  .join('\n')}
${t.globals.filter((f) => f.startsWith('--')).map((f) => `complete -c reelctl -l ${f.slice(2)}`).join('\n')}
`;
  throw new UsageError(`unknown shell "${shell}": use bash, zsh or fish`);
}

export function register(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText('after', '\nInstall:\n  bash: echo \'source <(reelctl completion bash)\' >> ~/.bashrc\n  zsh:  reelctl completion zsh > "${fpath[1]}/_reelctl"\n  fish: reelctl completion fish > ~/.config/fish/completions/reelctl.fish')
    .action((shell: string) => {
      process.stdout.write(completionScript(shell, program));
    });
}
