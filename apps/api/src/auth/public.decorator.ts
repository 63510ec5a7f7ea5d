import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'palisade:isPublic';

/** Marks a handler or controller that answers without authentication (only /healthz). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);
