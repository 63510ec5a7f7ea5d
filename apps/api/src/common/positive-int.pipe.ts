import { CommonErrorCode, DomainException } from '@palisade/shared-types';
import { Injectable, type PipeTransform } from '@nestjs/common';

/** Parses a path or query parameter as an integer in 1..max, naming the parameter when it is not. */
@Injectable()
export class PositiveIntPipe implements PipeTransform<unknown, number> {
  constructor(
    private readonly name: string,
    private readonly max = Number.MAX_SAFE_INTEGER,
  ) {}

  transform(value: unknown): number {
    const number = typeof value === 'number' ? value : /^\d+$/.test(String(value)) ? Number(value) : NaN;
    if (!Number.isSafeInteger(number) || number < 1 || number > this.max) {
      const message = `${this.name} must be an integer between 1 and ${this.max}`;
      throw new DomainException(CommonErrorCode.VALIDATION_FAILED, message, [{ path: this.name, message }]);
    }
    return number;
  }
}
