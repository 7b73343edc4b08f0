// $BROWSER for the real-browser tests: rolecall runs it with the URL as the last argument, and it
// hands the URL to the test (an HTTP endpoint on 127.0.0.1 named by $BROWSER_INBOX), whose Chromium
// then loads it. It exits at once, as a browser launcher does.
const url = process.argv.at(-1);
const inbox = process.env.BROWSER_INBOX;
if (!url || !inbox) {
  process.stderr.write('usage: BROWSER_INBOX=http://127.0.0.1:PORT/ hand-off.mjs URL\n');
  process.exit(2);
}
const response = await fetch(inbox, { method: 'POST', body: url, signal: AbortSignal.timeout(5000) });
process.exit(response.ok ? 0 : 1);
