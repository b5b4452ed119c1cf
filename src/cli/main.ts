/** The `tocsin` command line: thin, it parses arguments and calls the app. */
import { accounts } from './accounts.js';
import { serve } from './serve.js';

const usage = `Usage: tocsin <command>

Commands:
  serve      Start the server (configuration from environment variables; see README.md)
  accounts   Create or list accounts (tocsin accounts help)
  help       Show this help
`;

/** Runs a CLI command and returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [command = 'serve'] = args;
  switch (command) {
    case 'serve':
      return serve();
    case 'accounts':
      return accounts(args.slice(1));
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return 0;
    default:
      process.stderr.write(`tocsin: unknown command '${command}'\n\n${usage}`);
      return 2;
  }
}
