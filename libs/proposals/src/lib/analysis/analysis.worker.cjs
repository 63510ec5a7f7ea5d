'use strict';
// Entry of the analysis worker threads (piscina): loads the TypeScript task through SWC, as bin/palisade.cjs does.
const { join } = require('node:path');

process.env.SWC_NODE_PROJECT = process.env.SWC_NODE_PROJECT || join(__dirname, '..', '..', '..', '..', '..', 'tsconfig.json');
require('@swc-node/register');
const { runAnalysisTask } = require('./compute-analysis.util.ts');

module.exports = runAnalysisTask;
