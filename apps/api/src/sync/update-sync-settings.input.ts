import { Field, InputType } from '@nestjs/graphql';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

import { DriftMode } from './sync.model';

@InputType()
export class UpdateSyncSettingsInput {
  @ApiPropertyOptional({ enum: DriftMode, description: 'report (default): drift is reported; heal: the worker re-applies the desired version' })
  @Field(() => DriftMode, { nullable: true })
  @IsOptional()
  @IsIn(Object.values(DriftMode))
  mode?: DriftMode;

  @ApiPropertyOptional({ description: 'Take over fields other field managers own instead of reporting a conflict' })
  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  @IsBoolean()
  forceConflicts?: boolean;
}
