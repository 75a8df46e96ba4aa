/** The patgate CLI's entry point (see patgate.cjs): runs the command, turns failures into one line and an exit code. */
import { CommanderError } from 'commander';
import { describeError, EXIT_USAGE, exitCodeOf } from './errors';
import { createProgram } from './program';

// The AWS SDK warns, over several lines of stderr, that its 2027 releases will need Node.js 22: noise for CLI users.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `patgate users list | head`: the reader has gone, so there is no one left to print for; not a failure.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

async function main(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync(argv);
    return 0;
  } catch (error) {
    // commander has already printed its own message (help, version, or a usage error).
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_USAGE;
    process.stderr.write(`patgate: ${describeError(error)}\n`);
    return exitCodeOf(error);
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
