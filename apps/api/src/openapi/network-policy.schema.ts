import type { SchemaObject } from '@nestjs/swagger';

/** A Kubernetes NetworkPolicy manifest as the API takes it (validated strictly by the engine, not by this schema). */
export const NETWORK_POLICY_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'A networking.k8s.io/v1 NetworkPolicy',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { type: 'string', enum: ['networking.k8s.io/v1'] },
    kind: { type: 'string', enum: ['NetworkPolicy'] },
    metadata: { type: 'object', properties: { name: { type: 'string' }, namespace: { type: 'string' } }, required: ['name', 'namespace'] },
    spec: { type: 'object', additionalProperties: true },
  },
  example: {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-web', namespace: 'shop' },
    spec: { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }] },
  },
};

/** The example above as a YAML document, for bodies that take NetworkPolicy documents. */
export const NETWORK_POLICY_YAML_EXAMPLE = [
  'apiVersion: networking.k8s.io/v1',
  'kind: NetworkPolicy',
  'metadata: {name: allow-web, namespace: shop}',
  'spec:',
  '  podSelector: {matchLabels: {app: api}}',
  '  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]',
  '',
].join('\n');
