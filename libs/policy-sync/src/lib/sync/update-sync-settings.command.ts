import { type Caller, validateCommand } from '@palisade/shared-types';
import { IsBoolean, IsIn, IsOptional } from 'class-validator';

import type { DriftModeName } from './sync-status.view';

export class UpdateSyncSettingsCommand {
  @IsOptional()
  @IsIn(['report', 'heal'], { message: 'mode must be "report" or "heal"' })
  readonly mode?: DriftModeName;

  @IsOptional()
  @IsBoolean({ message: 'forceConflicts must be true or false' })
  readonly forceConflicts?: boolean;

  private constructor(
    readonly clusterName: string,
    input: { mode?: DriftModeName; forceConflicts?: boolean },
    readonly caller: Caller,
  ) {
    this.mode = input.mode ?? undefined;
    this.forceConflicts = input.forceConflicts ?? undefined;
    validateCommand(this);
  }

  static from(input: { clusterName: string; mode?: DriftModeName | null; forceConflicts?: boolean | null; caller: Caller }): UpdateSyncSettingsCommand {
    return new UpdateSyncSettingsCommand(input.clusterName, { mode: input.mode ?? undefined, forceConflicts: input.forceConflicts ?? undefined }, input.caller);
  }
}
