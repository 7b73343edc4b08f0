const argv = process.argv.slice(2);
const streams = { stdout: process.stdout, stderr: process.stderr };

async function start(): Promise<number> {
  // The AWS SDKs run `credential-process` on every refresh: a cached answer loads nothing else.
  if (argv.includes('credential-process')) {
    const { answerFromCache } = await import('./credential-process-fast.js');
    if (await answerFromCache(argv, process.env, process.cwd(), streams)) return 0;
  }
  const { main } = await import('./program.js');
  return main(argv, process.env, process.cwd(), streams);
}

start().then((code) => {
  process.exitCode = code;
});
// `rolecall list | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
});
