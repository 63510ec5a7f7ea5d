import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/generated/**', '.data/**', '.nx/**', '**/*.cjs', '**/*.mjs'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          banTransitiveDependencies: false,
          depConstraints: [
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:data', 'type:shared'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:feature', 'type:domain', 'type:data', 'type:shared'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:shared'] },
            {
              sourceTag: 'type:domain',
              onlyDependOnLibsWithTags: [],
              bannedExternalImports: ['@nestjs/*', '@prisma/*', '@kubernetes/client-node', 'pg', 'class-validator', 'class-transformer'],
            },
            { sourceTag: 'type:shared', onlyDependOnLibsWithTags: [], bannedExternalImports: ['@nestjs/*', '@prisma/*', '@kubernetes/client-node'] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:shared', 'type:data', 'type:domain'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through the validated env class (apps/*/src/config/env.ts).',
        },
      ],
    },
  },
  {
    // Only the env loaders, the launcher and test/tooling code read the environment directly.
    files: ['apps/*/src/main.ts', 'apps/*/src/config/env.ts', 'tools/**/*.ts', 'test/**/*.ts', '**/*.spec.ts', '**/*.e2e-spec.ts', 'prisma.config.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts', '**/*.spec.ts', '**/*.e2e-spec.ts', '**/__tests__/**/*.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // Prisma's client is confined to the persistence library.
    files: ['apps/**/*.ts', 'libs/!(persistence)/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@prisma/*', '**/generated/prisma/**'], message: 'Only libs/persistence talks to Prisma.' }] }],
    },
  },
];
