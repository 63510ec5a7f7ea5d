import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/**
 * Nest's LoggerService over a pino logger: Nest's own messages and every `new Logger(context)` in
 * the code land in the same structured stream as the access log. (nestjs-pino does this too but
 * requires Node 22; Palisade supports Node 20.19+, so this adapter is ours.)
 */
export class PinoLoggerService implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    // Nest passes (message, stack, context); a stack is kept as its own field.
    const context = this.contextOf(params);
    const stack = params.find((param): param is string => typeof param === 'string' && param.includes('\n    at '));
    this.logger.error({ ...(context ? { context } : {}), ...(stack ? { stack } : {}) }, this.text(message));
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(level: 'info' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, params: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const context = this.contextOf(params);
    this.logger[level](context ? { context } : {}, this.text(message));
  }

  /** Nest appends the context (a class or component name) as the last string parameter. */
  private contextOf(params: unknown[]): string | undefined {
    const last = params.at(-1);
    return typeof last === 'string' && !last.includes('\n') ? last : undefined;
  }

  private text(message: unknown): string {
    if (message instanceof Error) return message.message;
    return typeof message === 'string' ? message : JSON.stringify(message);
  }
}
