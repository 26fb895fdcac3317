// `reelctl completion bash|zsh|fish`: shell completion generated from the command tree itself.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { commandWord } from './program.js';
import { completionView } from './views/completion.js';

interface Tree {
  globals: string[];
  commands: { name: string; flags: string[] }[];
}

function tree(program: Command): Tree {
  const flags = (c: Command) => c.options.flatMap((o) => [o.long, o.short].filter((x): x is string => !!x));
  return {
    globals: [...flags(program), '--help'],
    commands: program.commands.filter((c) => !c.name().startsWith('__')).map((c) => ({ name: c.name(), flags: [...flags(c), '--help'] })),
  };
}

export function completionScript(shell: string, program: Command): string {
  const t = tree(program);
  const names = t.commands.map((c) => c.name).join(' ');
  if (shell === 'bash')
    return `# reelctl bash completion: source <(reelctl completion bash)
_reelctl() {
  local cur cmd dyn
  cur="\${COMP_WORDS[COMP_CWORD]}"
  cmd="\${COMP_WORDS[1]}"
  # Values that depend on the flag or the state (video names, formats): asked of reelctl itself.
  dyn="$(reelctl __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)"
  if [ -n "$dyn" ]; then COMPREPLY=( $(compgen -W "$dyn" -- "$cur") ); return; fi
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
  local -a commands dyn
  dyn=(\${(f)"$(reelctl __complete -- \${words[2,CURRENT-1]} 2>/dev/null)"})
  if (( \${#dyn} > 0 )); then compadd -- $dyn; return; fi
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
complete -c reelctl -f -a '(reelctl __complete -- (commandline -opc)[2..-1] 2>/dev/null)'
${t.commands.map((c) => `complete -c reelctl -n "__fish_use_subcommand" -a ${c.name}`).join('\n')}
${t.commands
  .flatMap((c) => c.flags.filter((f) => f.startsWith('--')).map((f) => `complete -c reelctl -n "__fish_seen_subcommand_from ${c.name}" -l ${f.slice(2)}`))
  .join('\n')}
${t.globals
  .filter((f) => f.startsWith('--'))
  .map((f) => `complete -c reelctl -l ${f.slice(2)}`)
  .join('\n')}
`;
  throw new UsageError(`unknown shell "${shell}": use bash, zsh or fish`);
}

/** Values a flag takes, for completion (per command where it differs). */
const FLAG_VALUES: Record<string, string[]> = { '--log-format': ['text', 'json'], '--supersede': ['wait', 'abandon'], '--memory': ['lean', 'fast'] };
const OUTPUT_VALUES: Record<string, string[]> = { status: ['json', 'yaml', 'wide'], describe: ['text', 'json'], version: ['text', 'json'] };
export const SHELLS = ['bash', 'zsh', 'fish'];

export interface CompletionSource {
  /** Video names from the state file and the manifests (best effort: errors give none). */
  videoNames(state: string): Promise<string[]>;
}

/**
 * Candidates for the word after `words` (the command line so far, without `reelctl`); empty when the shell's
 * static list (commands, flags, files) applies.
 */
export async function complete(words: string[], src: CompletionSource): Promise<string[]> {
  const prev = words.at(-1);
  const cmd = commandWord(words);
  if (prev && FLAG_VALUES[prev]) return FLAG_VALUES[prev];
  if (prev === '-o' || prev === '--output') return OUTPUT_VALUES[cmd ?? ''] ?? [];
  if (prev?.startsWith('-')) return [];
  const after = cmd ? words.slice(words.indexOf(cmd) + 1).filter((w) => !w.startsWith('-')) : [];
  if (cmd === 'completion' && after.length === 0) return SHELLS;
  if (cmd === 'describe' && after.length === 0) {
    const i = words.lastIndexOf('--state');
    return src.videoNames(i >= 0 && words[i + 1] ? words[i + 1]! : '.reelctl/state.json');
  }
  return [];
}

const fileSource: CompletionSource = {
  async videoNames(state) {
    const names = new Set<string>();
    const { FileStateStore } = await import('../state/file-store.js');
    const s = await new FileStateStore(state).read().catch(() => null);
    for (const n of Object.keys(s?.videos ?? {})) names.add(n);
    const { loadManifests } = await import('../manifest/load.js');
    const loaded = await loadManifests(['manifests']).catch(() => ({ videos: [] as { name: string }[] }));
    for (const v of loaded.videos) names.add(v.name);
    return [...names].sort();
  },
};

export function register(program: Command): void {
  program
    .command('__complete', { hidden: true })
    .description('print completion candidates for the words given (used by the completion scripts)')
    .argument('[words...]')
    .helpOption(false)
    .action(async (words: string[]) => {
      completionView(process.stdout).candidates(await complete(words, fileSource));
    });
  program
    .command('completion')
    .description('print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash, zsh or fish')
    .addHelpText(
      'after',
      '\nExamples:\n  reelctl completion bash > /etc/bash_completion.d/reelctl\n\nCompletes commands and flags, video names after describe, and the values of --log-format, --supersede,\n--memory and -o (asked of `reelctl __complete` as you type).',
    )
    .addHelpText(
      'after',
      '\nInstall:\n  bash: echo \'source <(reelctl completion bash)\' >> ~/.bashrc\n  zsh:  reelctl completion zsh > "${fpath[1]}/_reelctl"\n  fish: reelctl completion fish > ~/.config/fish/completions/reelctl.fish',
    )
    .action((shell: string) => {
      completionView(process.stdout).script(completionScript(shell, program));
    });
}
