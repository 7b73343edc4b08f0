// A stand-in for a browser that only notes the URL it was given in $BROWSER_LOG, so the test can
// play the rest of the sign-in itself.
import { appendFileSync } from 'node:fs';

appendFileSync(process.env.BROWSER_LOG, `${process.argv[2]}\n`);
