#!/usr/bin/env node
'use strict';
// `palisade`: runs the TypeScript CLI (apps/cli/src/main.ts) through SWC, the way tools/start.ts runs the apps.
const { join } = require('node:path');

const root = join(__dirname, '..');
process.env.SWC_NODE_PROJECT = join(root, 'tsconfig.json');
require('@swc-node/register');
require(join(root, 'apps', 'cli', 'src', 'main.ts'));
