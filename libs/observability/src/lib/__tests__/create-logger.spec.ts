import { Writable } from 'node:stream';

import { Logger } from '@nestjs/common';

import { createLogger, type LogLevelName, resolveLogFormat } from '../create-logger.util';
import { PinoLoggerService } from '../pino-logger.service';

/** A destination collecting what pino writes. */
function capture(): { stream: Writable; text: () => string; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const text = (): string => chunks.join('');
  return { stream, text, lines: () => text().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Writes one message per Nest level through Nest's Logger, as application code does. */
function logEveryLevel(level: LogLevelName): Record<string, unknown>[] {
  const out = capture();
  const sut = new PinoLoggerService(createLogger({ service: 'test', level, format: 'json', destination: out.stream, isTty: false }));
  const logger = new Logger('Ctx');
  Logger.overrideLogger(sut);
  try {
    logger.error('e');
    logger.warn('w');
    logger.log('l');
    logger.debug('d');
    logger.verbose('v');
  } finally {
    Logger.overrideLogger(false);
  }
  return out.lines();
}

describe(createLogger.name, () => {
  it.each([
    // each level prints itself and everything more severe
    ['error', ['e']],
    ['warn', ['e', 'w']],
    ['log', ['e', 'w', 'l']],
    ['debug', ['e', 'w', 'l', 'd']],
    ['verbose', ['e', 'w', 'l', 'd', 'v']],
  ] as [LogLevelName, string[]][])('LOG_LEVEL=%s is a threshold: prints %j', (level, expected) => {
    const lines = logEveryLevel(level);
    expect(lines.map((line) => line['msg'])).toEqual(expected);
    expect(lines.every((line) => line['context'] === 'Ctx' && line['service'] === 'test')).toBe(true);
  });

  it('redacts credentials wherever they appear in a structured line', () => {
    const out = capture();
    const sut = createLogger({ service: 'test', level: 'log', format: 'json', destination: out.stream, isTty: false });
    sut.info({ req: { headers: { authorization: 'Bearer pal_secret-one', cookie: 'sid=secret-two' } }, connection: { token: 'secret-three', kubeconfig: 'apiVersion: v1 secret-four' }, secret: 'secret-five' }, 'm');
    const text = out.text();
    for (const secret of ['secret-one', 'secret-two', 'secret-three', 'secret-four', 'secret-five']) expect(text).not.toContain(secret);
    expect(out.lines()[0]).toMatchObject({ req: { headers: { authorization: '[redacted]' } }, connection: { token: '[redacted]', kubeconfig: '[redacted]' }, secret: '[redacted]' });
  });

  it('is human-readable on a terminal and JSON elsewhere; LOG_FORMAT forces either', () => {
    expect(resolveLogFormat(undefined, true)).toBe('pretty');
    expect(resolveLogFormat(undefined, false)).toBe('json');
    expect(resolveLogFormat('json', true)).toBe('json');
    expect(resolveLogFormat('pretty', false)).toBe('pretty');

    const pretty = capture();
    createLogger({ service: 'test', level: 'log', destination: pretty.stream, isTty: true }).info({ context: 'Api' }, 'listening');
    expect(pretty.text()).toContain('listening');
    expect(() => JSON.parse(pretty.text())).toThrow();

    const json = capture();
    createLogger({ service: 'test', level: 'log', destination: json.stream, isTty: true, format: 'json' }).info('listening');
    expect(json.lines()[0]).toMatchObject({ level: 30, msg: 'listening', service: 'test' });
  });
});
