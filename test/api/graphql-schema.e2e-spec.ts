import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { printApiSchema } from '../../apps/api/src/graphql-schema.util';
import { createTestApp, type TestApp } from '../support/test-app';

describe('committed GraphQL schema', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('matches what the code generates (run `npm run schema:gql` after changing the API)', () => {
    const committed = readFileSync(join(__dirname, '..', '..', 'apps', 'api', 'schema.gql'), 'utf8');
    expect(printApiSchema(t.app)).toBe(committed);
  });
});
