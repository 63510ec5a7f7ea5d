import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One field's problem, as `errors` of a 400 lists them. */
export class ProblemFieldModel {
  @ApiProperty({ example: 'title', description: 'Dotted path of the field, or the query parameter' })
  path!: string;

  @ApiProperty({ example: 'title must be a string' })
  message!: string;
}

/** RFC 9457 problem details as every REST error carries them (apps/api/src/errors/to-problem.ts). */
export class ProblemModel {
  @ApiProperty({ example: 'urn:palisade:problem:validation-failed', description: 'urn:palisade:problem: and the code in kebab case' })
  type!: string;

  @ApiProperty({ example: 'Validation failed' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'title: title must be a string' })
  detail!: string;

  @ApiProperty({ example: 'VALIDATION_FAILED', description: 'Stable error code, the same GraphQL reports in extensions.code' })
  code!: string;

  @ApiPropertyOptional({ example: '/api/v1/clusters/prod/proposals', description: 'The request path' })
  instance?: string;

  @ApiPropertyOptional({ example: '3f1c2a9e-5b7d-4c61-9a38-2d0c6f4e8b11', description: 'The X-Request-Id of the request, also in the logs' })
  requestId?: string;

  @ApiPropertyOptional({ type: [ProblemFieldModel], description: 'Per-field problems of a 400' })
  errors?: ProblemFieldModel[];
}
