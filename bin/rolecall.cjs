#!/usr/bin/env node
'use strict';
try {
  require.resolve('../dist/cli.main.cjs');
} catch {
  process.stderr.write('rolecall: the bundle in dist/ is missing; run `npm run build` in the rolecall folder.\n');
  process.exit(1);
}
require('../dist/cli.main.cjs');
