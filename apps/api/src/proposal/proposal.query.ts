import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';

/**
 * The query of POST /clusters/{name}/proposals and PATCH /proposals/{id}. A YAML body is only the
 * desired set: the proposal's other fields come as these parameters (a JSON body carries them itself).
 */
export class ProposalQuery {
  @ApiPropertyOptional({ enum: ['changes', 'replace'], description: 'replace: the body is the complete desired set (policies, or YAML); changes (default): upserts and deletes' })
  @IsOptional()
  @IsIn(['changes', 'replace'], { message: 'mode must be replace or changes' })
  mode?: 'changes' | 'replace';

  @ApiPropertyOptional({ description: 'YAML body only: the title', example: 'Allow web to reach the API' })
  @IsOptional()
  @IsString()
  title?: string;

  @ApiPropertyOptional({ description: 'YAML body only: the description' })
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional({ type: 'integer', description: 'YAML body only: the version the desired set is compared with (default: the head)', example: 3 })
  @IsOptional()
  @Matches(/^[1-9]\d*$/, { message: 'baseVersion must be a version number' })
  baseVersion?: string;

  @ApiPropertyOptional({ description: 'YAML body only: where the change comes from (source.kind)', example: 'github' })
  @IsOptional()
  @IsString()
  sourceKind?: string;

  @ApiPropertyOptional({ description: 'YAML body only, with sourceKind: source.url', example: 'https://github.com/acme/policies/pull/42' })
  @IsOptional()
  @IsString()
  sourceUrl?: string;

  @ApiPropertyOptional({ description: 'YAML body only, with sourceKind: source.commit', example: '4f2a9c1e0b7d' })
  @IsOptional()
  @IsString()
  sourceCommit?: string;
}

/** The parameters that stand for body fields when the body is YAML. */
export const YAML_BODY_QUERY_PARAMETERS = ['title', 'description', 'baseVersion', 'sourceKind', 'sourceUrl', 'sourceCommit'] as const satisfies readonly (keyof ProposalQuery)[];
