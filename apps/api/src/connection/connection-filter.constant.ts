/** How `from` and `to` are read, for the OpenAPI document and the GraphQL schema. */
export const ENDPOINT_FILTER_DESCRIPTION =
  'A namespace (`default`), `namespace/workload` (`default/myapp`, optionally `[Deployment]`), an IP address (matches address ranges that contain it and do not except it) or a CIDR (ranges that contain all of it)';
