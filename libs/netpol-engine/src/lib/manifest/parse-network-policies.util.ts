import { createManifestError } from './create-manifest-error.util';
import { describeDocument, locationOf } from './describe-document.util';
import { joinPath } from './field-path.util';
import { isRecord } from './is-record.util';
import type { ManifestError } from './manifest-error.type';
import type { ManifestInputOptions } from './manifest-input-options.type';
import { ManifestRegistry } from './manifest-registry.util';
import type { NetworkPolicy } from './network-policy.type';
import { policyKey } from './policy-key.util';
import { toParsedDocuments } from './to-parsed-documents.util';
import { validateNetworkPolicy } from './validate-network-policy.util';

export type ParseNetworkPoliciesResult = { ok: true; policies: NetworkPolicy[] } | { ok: false; errors: ManifestError[] };

/**
 * Parses a policy set: every document must be a valid `networking.k8s.io/v1` NetworkPolicy and
 * every `namespace/name` unique. All-or-nothing: any error gives `ok: false` and no policies.
 * `input` is YAML/JSON text, or already-parsed objects (document number = index + 1, no lines).
 *
 * @example
 * const r = parseNetworkPolicies(fs.readFileSync('policies.yaml', 'utf8'), { source: 'policies.yaml' });
 * if (!r.ok) console.error(r.errors.map(formatManifestError).join('\n'));
 */
export function parseNetworkPolicies(input: string | unknown[], opts: ManifestInputOptions = {}): ParseNetworkPoliciesResult {
  const { documents, errors } = toParsedDocuments(input, opts.source);
  const policies: NetworkPolicy[] = [];
  const seen = new ManifestRegistry();

  for (const doc of documents) {
    const prefix = doc.pathPrefix ?? '';
    const fail = (path: string[], message: string): void => {
      const line = doc.lineOf(path);
      errors.push(createManifestError({ source: doc.source, document: doc.document, line, path: joinPath(prefix, path.join('.')), message }));
    };
    if (isRecord(doc.value) && typeof doc.value['kind'] === 'string' && doc.value['kind'] !== 'NetworkPolicy') {
      fail(['kind'], `unsupported kind ${JSON.stringify(doc.value['kind'])}: only NetworkPolicy (networking.k8s.io/v1) is accepted here`);
      continue;
    }
    const result = validateNetworkPolicy(doc.value, {
      document: doc.document,
      ...(doc.source === undefined ? {} : { source: doc.source }),
      lineOf: doc.lineOf,
      ...(opts.defaultNamespace === undefined ? {} : { defaultNamespace: opts.defaultNamespace }),
    });
    errors.push(...result.errors.map((e) => ({ ...e, path: joinPath(prefix, e.path) })));
    if (!result.policy) continue;

    const key = policyKey(result.policy);
    const first = seen.claim(key, () => locationOf(doc));
    if (first) {
      fail(['metadata', 'name'], `duplicate NetworkPolicy ${key}: already defined in ${describeDocument(first, doc)}`);
      continue;
    }
    policies.push(result.policy);
  }

  return errors.length > 0 ? { ok: false, errors } : { ok: true, policies };
}
