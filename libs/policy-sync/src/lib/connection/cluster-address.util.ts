import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';

import { isLoopbackOrLinkLocal, LOCAL_OR_METADATA_NAMES } from '@palisade/shared-types';

/**
 * Why the API server at `server` may not be connected to, or null: its host is, or resolves to, a
 * loopback, link-local or metadata address. A name that does not resolve is left to the connection
 * attempt, which reports it like any other failure.
 */
export async function serverAddressProblem(server: string): Promise<string | null> {
  const host = new URL(server).hostname.replace(/^\[(.*)\]$/, '$1');
  const why = 'a loopback, link-local or metadata address (set PALISADE_ALLOW_LOOPBACK_ADDRESSES=true for clusters on this machine)';
  if (LOCAL_OR_METADATA_NAMES.test(host) || isLoopbackOrLinkLocal(host)) return `server host ${host} is ${why}`;
  if (isIP(host) !== 0) return null;
  let addresses: { address: string }[];
  try {
    addresses = await lookup(host, { all: true });
  } catch {
    return null;
  }
  const bad = addresses.find((a) => isLoopbackOrLinkLocal(a.address));
  return bad ? `server host ${host} resolves to ${bad.address}, ${why}` : null;
}
