/**
 * How many lagging clusters a connection page names (the first by name; `laggingCount` says how
 * many lag in all): a broad failure would otherwise repeat every cluster's status, with its last
 * error, on every page. `/connections/status` lists them all.
 */
export const LAGGING_LIMIT = 100;
