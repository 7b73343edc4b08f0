// A stand-in for a browser, for $BROWSER: it loads the URL and follows redirects, as a browser does
// when a sign-in page approves at once, and notes each URL it was given in $BROWSER_LOG.
import { appendFileSync } from 'node:fs';

const url = process.argv[2];
if (process.env.BROWSER_LOG) appendFileSync(process.env.BROWSER_LOG, `${url}\n`);
const response = await fetch(url, { redirect: 'follow' });
await response.text();
