import 'reflect-metadata';

import { parseArgs } from 'node:util';

import { AuditModule } from '@palisade/audit';
import { AuthModule, CreateApiTokenCommand, TokensService } from '@palisade/auth';
import { databaseProblem, PersistenceModule } from '@palisade/persistence';
import { DomainException, systemCaller } from '@palisade/shared-types';
import { type DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

// `npm run -s admin:token -- --name NAME` (in the image: `node dist/tools/admin-token.js --name NAME`): issues
// an admin token whose scope is every cluster, for operators who lost theirs. It goes through the same
// service as POST /api/v1/tokens, so the token and its principal are audited (actor: system "admin-token").
// The secret alone goes to stdout, once; everything else to stderr.
// Exit codes: 0 issued, 1 refused or failed, 2 usage, 69 database unreachable, 78 DATABASE_URL missing.
const USAGE = `usage: admin-token --name NAME
  Issues an admin token (every cluster) for principal NAME against DATABASE_URL, creating the
  principal when the name is new. Prints the secret once; only its hash is stored.
`;

const say = (line: string): void => void process.stderr.write(`admin-token: ${line}\n`);

@Module({})
class AdminTokenModule {
  static register(databaseUrl: string): DynamicModule {
    return { module: AdminTokenModule, imports: [PersistenceModule.forRoot({ databaseUrl, poolSize: 2 }), AuditModule, AuthModule] };
  }
}

function usageError(message: string): never {
  process.stderr.write(`admin-token: ${message}\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let name: string | undefined;
  try {
    const { values } = parseArgs({ args: process.argv.slice(2), options: { name: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help) {
      process.stdout.write(USAGE);
      return;
    }
    name = values.name;
  } catch (error) {
    usageError(error instanceof Error ? error.message : String(error));
  }
  if (!name) usageError('--name is required');
  const caller = systemCaller('admin-token');
  let command: CreateApiTokenCommand;
  try {
    command = CreateApiTokenCommand.from({ name, kind: 'human', roles: ['admin'], clusters: null, caller });
  } catch (error) {
    if (error instanceof DomainException) usageError(error.details.map((detail) => detail.message).join('; ') || error.message);
    throw error;
  }
  const databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) {
    say("DATABASE_URL is required: the application role's postgresql://user:password@host:5432/database");
    process.exit(78);
  }
  const problem = await databaseProblem(databaseUrl);
  if (problem) {
    say(problem);
    process.exit(69);
  }
  const app = await NestFactory.createApplicationContext(AdminTokenModule.register(databaseUrl), { logger: ['error'], abortOnError: false });
  try {
    const token = await app.get(TokensService).create(command);
    say(`issued admin token ${token.prefix}… (id ${token.id}) for principal "${token.principal.name}", every cluster; it is shown once and only its hash is kept:`);
    process.stdout.write(`${token.secret}\n`);
  } catch (error) {
    say(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  say(error instanceof Error ? error.message.split('\n')[0] : String(error));
  process.exit(1);
});
