import type { AddressInfo } from 'node:net';

import { type Browser, chromium, type Request } from 'playwright-core';

import { CHROMIUM, describeWithChromium } from '../support/chromium';
import { createTestApp, type TestApp } from '../support/test-app';

describeWithChromium('Swagger UI at /api/docs', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-background-networking'] });
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('authorizes with a token and runs GET /api/v1/clusters from the page, loading nothing from elsewhere', async () => {
    await t.http.post('/api/v1/clusters').send({ name: 'browser-prod', labels: { env: 'prod' } }).expect(201);
    const { token } = await t.mintToken({ name: 'swagger-reader', roles: ['auditor'] });
    const page = await browser.newPage();
    const requested: Request[] = [];
    page.on('request', (request) => requested.push(request));

    await page.goto(`${origin}/api/docs`);
    await page.locator('.swagger-ui .information-container .title', { hasText: 'Palisade' }).waitFor();

    // Authorize: the bearer scheme's dialog takes the token.
    await page.locator('.auth-wrapper button.authorize').click();
    await page.locator('.modal-ux input[type="text"]').fill(token);
    await page.locator('.modal-ux .auth-btn-wrapper button.authorize').click();
    await page.locator('.modal-ux button.btn-done').click();

    // GET /api/v1/clusters: try it out, execute.
    const operation = page.locator('#operations-clusters-ClusterController_list');
    await operation.locator('.opblock-summary').click();
    await operation.locator('button.try-out__btn').click();
    const answered = page.waitForResponse((response) => response.url() === `${origin}/api/v1/clusters` && response.request().method() === 'GET');
    await operation.locator('button.execute').click();
    const response = await answered;

    expect(response.status()).toBe(200);
    expect(await response.request().headerValue('authorization')).toBe(`Bearer ${token}`);
    const live = operation.locator('.live-responses-table .response');
    await live.locator('.response-col_status', { hasText: '200' }).waitFor();
    await expect(live.locator('.response-col_description').innerText()).resolves.toContain('browser-prod');

    // Swagger UI's scripts, styles and images come from this service (swagger-ui-dist), nothing from a CDN.
    const foreign = requested.map((request) => request.url()).filter((url) => !url.startsWith(`${origin}/`) && !url.startsWith('data:'));
    expect(foreign).toEqual([]);
    expect(requested.some((request) => request.resourceType() === 'script' && request.url().startsWith(`${origin}/api/docs/`))).toBe(true);
  });
});
