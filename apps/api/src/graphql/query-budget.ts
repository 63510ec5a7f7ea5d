import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { type DocumentNode, GraphQLError, type GraphQLSchema, Lexer, parse, Source, TokenKind, type ValidationContext, type ValidationRule, validate } from 'graphql';
import { fieldExtensionsEstimator, getComplexity } from 'graphql-query-complexity';

import { defaultCostEstimator } from './query-cost.util';

/** Apollo's plugin type as @nestjs/apollo sees it (its CommonJS build). */
type ApolloPlugin = NonNullable<ApolloDriverConfig['plugins']>[number];

/** The limits every GraphQL operation is held to (README, "GraphQL query budget"). */
export interface QueryBudgetLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

export enum QueryBudgetErrorCode {
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX',
}

/** What the check reads of a GraphQL request (POST body or GET query string). */
export interface GraphqlRequestParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

/**
 * Brackets nested deeper than this are refused before parsing: graphql-js parses recursively and
 * overflows the stack near 5,000 levels ("Maximum call stack size exceeded"), and the depth rule
 * runs only on a parsed document.
 */
const MAX_BRACKET_NESTING = 100;

function refusal(code: QueryBudgetErrorCode, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code, status: 400, http: { status: 400 } } });
}

/**
 * Tokens a document may have. Parsing and validating are linear but slow (graphql-js parses about a
 * megabyte a second), so a query of tens of thousands of fields would hold the event loop for
 * seconds before any rule could refuse it; real operations are a few hundred tokens (policy sets
 * travel as variables, one token each).
 */
export const MAX_DOCUMENT_TOKENS = 10_000;

interface DocumentScan {
  tokens: number;
  /** The deepest nesting of `{`, `[` and `(`. */
  nesting: number;
  /** `name:` outside argument lists and variable definitions: aliases, in every operation and fragment together. */
  aliases: number;
}

/**
 * One pass of graphql-js's own (iterative) lexer over the document, stopping as soon as a limit is
 * passed, so what the parser and the validation rules would take seconds over is refused in
 * proportion to the limits, not to the document.
 */
function scanDocument(source: string): DocumentScan {
  const lexer = new Lexer(new Source(source));
  const scan: DocumentScan = { tokens: 0, nesting: 0, aliases: 0 };
  let depth = 0;
  let parens = 0;
  let previous: TokenKind | undefined;
  for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
    scan.tokens += 1;
    if (token.kind === TokenKind.BRACE_L || token.kind === TokenKind.BRACKET_L || token.kind === TokenKind.PAREN_L) {
      depth += 1;
      if (token.kind === TokenKind.PAREN_L) parens += 1;
      scan.nesting = Math.max(scan.nesting, depth);
    } else if (token.kind === TokenKind.BRACE_R || token.kind === TokenKind.BRACKET_R || token.kind === TokenKind.PAREN_R) {
      depth -= 1;
      if (token.kind === TokenKind.PAREN_R) parens -= 1;
    } else if (token.kind === TokenKind.COLON && previous === TokenKind.NAME && parens === 0) {
      scan.aliases += 1;
    }
    if (scan.tokens > MAX_DOCUMENT_TOKENS || scan.nesting > MAX_BRACKET_NESTING) return scan;
    previous = token.kind;
  }
  return scan;
}

/**
 * Holds every operation to a depth, alias and cost budget before Apollo parses (beyond the bracket
 * check), validates or runs it: graphql-armor's max-depth and max-aliases rules and
 * graphql-query-complexity's cost, with per-field costs from the schema's `complexity` extensions.
 * Apollo's own validation (whose overlapping-fields rule is quadratic in aliases) never sees a
 * refused operation.
 */
export class QueryBudget {
  private schema: GraphQLSchema | undefined;

  constructor(readonly limits: QueryBudgetLimits) {}

  /** Captures the schema Apollo serves, which the cost estimate needs. */
  plugin(): ApolloPlugin {
    return {
      serverWillStart: async ({ schema }) => {
        this.schema = schema;
      },
    };
  }

  /** The refusal for an operation over budget, or undefined (also when the request is malformed: Apollo answers that). */
  check(params: GraphqlRequestParams): GraphQLError | undefined {
    if (typeof params.query !== 'string' || this.schema === undefined) return undefined;
    let document: DocumentNode;
    try {
      const scan = scanDocument(params.query);
      if (scan.nesting > MAX_BRACKET_NESTING) {
        return refusal(QueryBudgetErrorCode.QUERY_TOO_DEEP, `query nests brackets ${MAX_BRACKET_NESTING}+ levels deep; the limit is ${this.limits.maxDepth} levels of fields`);
      }
      if (scan.aliases > this.limits.maxAliases) {
        // As graphql-armor words it; a scan stopped at the token limit counted only part of the document.
        const found = scan.tokens > MAX_DOCUMENT_TOKENS ? `at least ${scan.aliases}` : String(scan.aliases);
        return refusal(QueryBudgetErrorCode.TOO_MANY_ALIASES, `Aliases limit of ${this.limits.maxAliases} exceeded, found ${found}.`);
      }
      if (scan.tokens > MAX_DOCUMENT_TOKENS) {
        return refusal(QueryBudgetErrorCode.QUERY_TOO_COMPLEX, `query has more than ${MAX_DOCUMENT_TOKENS} tokens`);
      }
      document = parse(params.query);
    } catch {
      return undefined;
    }
    const aliases = this.firstRejection(document, (onReject) => maxAliasesRule({ n: this.limits.maxAliases, onReject: [onReject], propagateOnRejection: false }));
    if (aliases) return refusal(QueryBudgetErrorCode.TOO_MANY_ALIASES, aliases);
    const depth = this.firstRejection(document, (onReject) =>
      maxDepthRule({ n: this.limits.maxDepth, onReject: [onReject], propagateOnRejection: false, flattenFragments: true }),
    );
    if (depth) return refusal(QueryBudgetErrorCode.QUERY_TOO_DEEP, depth);
    let cost: number;
    try {
      cost = getComplexity({
        schema: this.schema,
        query: document,
        variables: isRecord(params.variables) ? params.variables : undefined,
        operationName: typeof params.operationName === 'string' ? params.operationName : undefined,
        estimators: [fieldExtensionsEstimator(), defaultCostEstimator],
      });
    } catch (error) {
      // Bad variables or an unknown operation: Apollo's validation names the problem.
      if (error instanceof GraphQLError && error.message.startsWith('Query exceeds the maximum allowed number of nodes')) {
        return refusal(QueryBudgetErrorCode.QUERY_TOO_COMPLEX, 'query selects more than 10,000 fields');
      }
      return undefined;
    }
    if (cost > this.limits.maxCost) {
      return refusal(QueryBudgetErrorCode.QUERY_TOO_COMPLEX, `query cost ${cost} exceeds the budget of ${this.limits.maxCost}`);
    }
    return undefined;
  }

  private firstRejection(document: DocumentNode, rule: (onReject: (context: ValidationContext | null, error: GraphQLError) => void) => ValidationRule): string | undefined {
    let message: string | undefined;
    validate(this.schema as GraphQLSchema, document, [
      rule((_context, error) => {
        message ??= error.message.replace(/^Syntax Error: /, '');
      }),
    ]);
    return message;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
