import type { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { printSchema } from 'graphql';

/** The SDL of the running app's code-first schema, as committed in apps/api/schema.gql. */
export function printApiSchema(app: INestApplication): string {
  return `# Generated from the code-first schema by \`npm run schema:gql\`. Do not edit.\n\n${printSchema(app.get(GraphQLSchemaHost).schema)}\n`;
}
