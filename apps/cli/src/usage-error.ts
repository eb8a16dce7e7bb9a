// Commander's own usage errors ("error: option '-p, --port <n>' argument '99999' is invalid. ..."
// followed by "(add --help for usage)") rewritten as the one-line form every other error uses:
// `typetorrent: <what>: <problem>`. Commander's printing is switched off in main.ts; this maps its
// error to our line.
import type { CommanderError } from 'commander';

/** The long flag of an option's flags ('-p, --port <n>' -> '--port'), or the flags as given. */
function flagOf(flags: string): string {
  return /--[\w-]+/.exec(flags)?.[0] ?? flags.split(/[ ,]/)[0] ?? flags;
}

/** Commander puts its suggestion on a line of its own: keep it on ours. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/** The problem part of our one line (without the `typetorrent: ` prefix). */
export function usageErrorText(error: Pick<CommanderError, 'code' | 'message'>): string {
  const message = oneLine(error.message.replace(/^error: /, ''));
  let m: RegExpExecArray | null;
  switch (error.code) {
    case 'commander.invalidArgument':
      if ((m = /^option '(.+?)' argument '(.*)' is invalid\. (.*)$/s.exec(message)) !== null) return `${flagOf(m[1]!)}: '${m[2]!}' is invalid: ${m[3]!}`;
      if ((m = /^command-argument value '(.*)' is invalid for argument '(.+?)'\. (.*)$/s.exec(message)) !== null) return `<${m[2]!}>: '${m[1]!}' is invalid: ${m[3]!}`;
      break;
    case 'commander.optionMissingArgument':
      if ((m = /^option '(.+?)' argument missing$/.exec(message)) !== null) return `${flagOf(m[1]!)}: needs a value`;
      break;
    case 'commander.missingArgument':
      if ((m = /^missing required argument '(.+?)'$/.exec(message)) !== null) return `<${m[1]!}>: missing (see --help)`;
      break;
    case 'commander.unknownOption':
      if ((m = /^unknown option '(.+?)'(.*)$/.exec(message)) !== null) return `${m[1]!}: unknown option${m[2]!.length > 0 ? ` ${m[2]!.trim()}` : ''}`;
      break;
    case 'commander.unknownCommand':
      if ((m = /^unknown command '(.+?)'(.*)$/.exec(message)) !== null) return `${m[1]!}: unknown command${m[2]!.length > 0 ? ` ${m[2]!.trim()}` : ''} (see typetorrent --help)`;
      break;
    case 'commander.excessArguments':
      if ((m = /^too many arguments(?: for '(.+?)')?\. (.*)$/.exec(message)) !== null) return `${m[1] ?? 'typetorrent'}: too many arguments: ${m[2]!.replace(/\.$/, '')}`;
      break;
  }
  return message;
}
