import { createHmac } from 'node:crypto';

import { webhookRetryDelayMs } from '../dispatch-webhooks.service';
import { isPrivateAddress, webhookUrlProblem } from '../webhook-address.util';
import { signWebhook } from '../webhook-signature.util';

describe('webhook delivery rules', () => {
  it('signs "<timestamp>.<raw body>" with HMAC-SHA256', () => {
    const expected = createHmac('sha256', 'secret-secret-secret').update('1764842400.{"a":1}').digest('hex');
    expect(signWebhook('secret-secret-secret', '1764842400', '{"a":1}')).toBe(`sha256=${expected}`);
  });

  it.each([
    [1, 0, 500], // the lowest jitter halves the base
    [1, 1, 1000],
    [3, 1, 4000], // doubles per attempt
    [20, 1, 60000], // capped
  ])('waits before retry %i (random %d): %i ms', (attempt, random, expected) => {
    expect(webhookRetryDelayMs(attempt, 1000, 60000, () => random)).toBe(expected);
  });

  it.each([
    ['127.0.0.1', true],
    ['10.0.0.1', true],
    ['172.20.1.1', true],
    ['100.64.0.1', true],
    ['169.254.169.254', true],
    ['::1', true],
    ['fd12::1', true],
    ['::ffff:10.0.0.1', true],
    ['93.184.216.34', false],
    ['2606:2800:220:1::1', false],
  ])('%s is private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  it('allows private hosts only with the switch, and http(s) in any case', () => {
    expect(webhookUrlProblem('http://127.0.0.1:9/x', true)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:9/x', false)).toMatch(/WEBHOOK_ALLOW_PRIVATE_ADDRESSES/);
    expect(webhookUrlProblem('https://hooks.example.com/x', false)).toBeNull();
    expect(webhookUrlProblem('file:///etc/passwd', true)).toBe('url must use http or https');
    expect(webhookUrlProblem('https://user:pw@hooks.example.com/', false)).toBe('url must not carry credentials');
  });
});
