'use strict';
// Preloaded into the API and the worker by `npm start` (tools/start.ts): when the launcher that started
// this process is gone (killed outright, so it could not stop its children), stop as on SIGTERM.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
}, 1000).unref();
