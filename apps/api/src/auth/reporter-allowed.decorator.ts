import { SetMetadata } from '@nestjs/common';

export const REPORTER_ALLOWED = 'palisade:reporterAllowed';

/** Marks a handler a principal holding only the `reporter` role may call (inventory upload); it may call no other. */
export const ReporterAllowed = (): MethodDecorator => SetMetadata(REPORTER_ALLOWED, true);
