#!/usr/bin/env node
// `hark` command: runs the built command line (out/main/cli.js, made by `npm run build`).
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, run by node without a build step */

const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write(
    'hark: the command line is not built yet; run `npm run build` in the Hark folder first\n',
  );
  process.exit(1);
}
require(cli).main(process.argv.slice(2));
