import { CommonErrorCode, DomainException, findUnsafeValue } from '@palisade/shared-types';
import { type ArgumentMetadata, Injectable, type PipeTransform, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

/**
 * First of the global pipes: refuses any argument (body, query, path parameter, GraphQL argument)
 * holding a NUL character, a lone surrogate, a `__proto__` key or nesting deeper than 64 levels,
 * with 400 naming where, before validation or storage could fail on it (PostgreSQL refuses NUL in
 * text; the others would be silently changed or exhaust the stack).
 */
@Injectable()
export class RequestValuePipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const problem = findUnsafeValue(value, metadata.data ?? '');
    if (problem) throw new DomainException(CommonErrorCode.VALIDATION_FAILED, problem.message, [problem]);
    return value;
  }
}

/**
 * class-validator's pipe, without its conversion of path and query parameters to numbers and
 * booleans: `Number('0x1')` is 1 and `Number('abc')` is NaN, which DefaultValuePipe then replaced by
 * the default, so `?limit=abc` answered 20 items and version `1e0` was version 1. Parameters stay
 * strings, and their own pipes (PositiveIntPipe) parse them strictly.
 */
export class StrictValidationPipe extends ValidationPipe {
  protected override transformPrimitive(value: unknown): unknown {
    return value;
  }

  /**
   * Custom decorators are validated only when they give an input class (one with class-validator
   * rules, such as @ProposalBody()'s); GraphQL's @Parent() gives an output model, which has none and
   * would be refused field by field.
   */
  protected override toValidate(metadata: ArgumentMetadata): boolean {
    if (metadata.type === 'custom' && (typeof metadata.metatype !== 'function' || getMetadataStorage().getTargetValidationMetadatas(metadata.metatype, '', true, false).length === 0)) {
      return false;
    }
    return super.toValidate(metadata);
  }
}
