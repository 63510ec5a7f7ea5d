import { type ValidationError, validateSync } from 'class-validator';

import { CommonErrorCode, DomainException, type ErrorDetail } from './domain.exception';

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/** Commands call this from their constructor so every caller (HTTP, GraphQL, worker) gets the same checks. */
export function validateCommand(command: object): void {
  const errors = validateSync(command, { forbidUnknownValues: true });
  if (errors.length > 0) {
    const details = flatten(errors);
    throw new DomainException(
      CommonErrorCode.VALIDATION_FAILED,
      details.map((d) => `${d.path}: ${d.message}`).join('; '),
      details,
    );
  }
}
