/**
 * The operator console in a real browser (Debian's chromium, driven by playwright-core) against the real
 * local service: an operator's session from registering a user to deleting them, through the page only, with
 * the results checked against the API. Screenshots at 1280 and 390 px go to test-artifacts/console/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { buildConsole } from '../console/build';
import { startTestService, type TestService } from './harness/service';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = join(__dirname, '..', 'test-artifacts', 'console');
const WIDE = { width: 1280, height: 860 };
const NARROW = { width: 390, height: 844 };

const browserAvailable = existsSync(CHROMIUM);
if (!browserAvailable && process.env.CI) {
  throw new Error(`${CHROMIUM} is missing: CI must run the console's browser tests (apt-get install -y chromium)`);
}
// Reported at the end of the run by test/harness/skip-reporter.cjs.
if (!browserAvailable) {
  it.skip(`operator console (chromium): ${CHROMIUM} is missing; \`sudo apt-get install -y chromium\` enables it`, () => {});
}
const describeInBrowser = browserAvailable ? describe : (_name: string, _tests: () => void) => undefined;

jest.setTimeout(20_000);

describeInBrowser('operator console (chromium)', () => {
  let service: TestService;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  /** Errors the page logged; each test expects none but those it caused on purpose. */
  let consoleErrors: string[] = [];

  const userId = `console-${Date.now().toString(36)}`;
  const resource = {
    name: 'Build API',
    indicator: 'https://builds.example.test',
    scopes: ['read:builds', 'write:builds'],
  };
  let patValue = '';

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    [service, browser] = await Promise.all([
      buildConsole().then(() => startTestService()),
      chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      }),
    ]);
    context = await browser.newContext({ viewport: WIDE, locale: 'en-US', timezoneId: 'UTC' });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: service.config.baseUrl });
    context.setDefaultTimeout(5_000);
    page = await context.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(`uncaught: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await service?.close();
  });

  beforeEach(() => {
    consoleErrors = [];
  });

  afterEach(async () => {
    // A failed test leaves no modal dialog behind to block the next one.
    while ((await page.getByRole('dialog').count()) > 0) await page.keyboard.press('Escape');
    expect(consoleErrors).toEqual([]);
  });

  /** The browser logs every non-2xx response; a test that provokes one on purpose takes it off the list. */
  function expectFailedRequest(status: number) {
    const index = consoleErrors.findIndex((text) => text.includes(`status of ${status}`));
    expect(index).toBeGreaterThanOrEqual(0);
    consoleErrors.splice(index, 1);
  }

  /** A fresh page load (a fragment alone would only navigate within the page). */
  async function open(fragment: string) {
    await page.goto('about:blank');
    await page.goto(`${service.config.consoleUrl}${fragment}`);
  }
  const dialog = () => page.getByRole('dialog');
  const patRow = (name: string) =>
    page.getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) });
  const clipboard = () => page.evaluate<string>('navigator.clipboard.readText()');
  /** A list view has loaded: it shows its table or says it is empty. */
  const loaded = (view: string) => page.locator(`[data-view="${view}"]`).locator('table, .empty').first().waitFor();

  async function screenshot(name: string, target: Page | Locator = page) {
    await target.screenshot({ path: join(SCREENSHOTS, `${name}.png`), animations: 'disabled' });
  }

  it('creates a user, opens their tokens and creates a PAT whose value is shown once, with a copy button', async () => {
    await open('#/users');
    // The printed URL's token bought an HttpOnly session cookie and left the address bar.
    await eventually(async () => expect(new URL(page.url()).search).toBe(''));
    expect(await page.evaluate<string>('document.cookie')).toBe('');
    await page.getByText('No users yet').waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    await dialog()
      .getByLabel(/User id/)
      .fill(userId);
    await dialog()
      .getByLabel(/Username/)
      .fill('ada_l');
    await dialog().getByLabel(/Email/).fill('ada@example.com');
    await dialog().getByLabel(/Name/).fill('Ada Lovelace');
    await screenshot('1280-new-user', dialog());
    await dialog().getByRole('button', { name: 'Create user' }).click();
    await page.getByRole('status').getByText(`Created user ${userId}.`).waitFor();
    const userRow = patRow(userId);
    await hasText(userRow.locator('[data-label="Name"]'), 'Ada Lovelace');
    await hasText(userRow.locator('[data-label="Email"]'), 'ada@example.com');
    await hasText(userRow.locator('[data-label="Status"]'), 'active');
    expect(await service.client.users.get(userId)).toMatchObject({
      id: userId,
      username: 'ada_l',
      primaryEmail: 'ada@example.com',
      name: 'Ada Lovelace',
      primaryPhone: null,
    });

    // A taken id: the API's answer, in the dialog, with the form as typed.
    await page.getByRole('button', { name: 'New user' }).click();
    await dialog()
      .getByLabel(/User id/)
      .fill(userId);
    await dialog().getByRole('button', { name: 'Create user' }).click();
    await hasText(dialog().getByRole('alert').locator('.alert-code'), 'entity.unique_integrity_violation');
    expect(
      await dialog()
        .getByLabel(/User id/)
        .inputValue(),
    ).toBe(userId);
    expectFailedRequest(422);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });

    await userRow.getByRole('link', { name: userId }).click();
    await eventually(async () => expect(new URL(page.url()).hash).toBe(`#/users/${userId}`));
    await page.getByRole('heading', { name: `User ${userId} active` }).waitFor();
    await page.getByText('Ada Lovelace · ada_l · ada@example.com').waitFor();
    await page.getByText(`${userId} has no personal access tokens`).waitFor();

    await page.getByRole('button', { name: 'New token' }).click();
    await dialog().getByLabel('Name').fill('ci deploy');
    await dialog().getByRole('radio', { name: '7 days' }).check();
    await dialog().getByRole('button', { name: 'Create token' }).click();

    const reveal = page.getByRole('dialog', { name: 'Token “ci deploy” created' });
    await reveal.getByText('you won’t see this again').waitFor();
    patValue = await reveal.getByRole('textbox', { name: 'Personal access token' }).inputValue();
    expect(patValue).toMatch(/^pat_/);
    await reveal.getByRole('button', { name: 'Copy personal access token' }).click();
    await reveal.getByText('Copied', { exact: true }).waitFor();
    expect(await clipboard()).toBe(patValue);
    await screenshot('1280-pat-created', reveal);
    await reveal.getByRole('button', { name: 'Done' }).click();
    await reveal.waitFor({ state: 'detached' });

    const row = patRow('ci deploy');
    await hasText(row.locator('[data-label="Expires"] .badge'), 'expires in 7 days');
    await hasText(row.locator('[data-label="Scopes"]'), 'any');
    await hasText(row.locator('[data-label="Last used"]'), 'never');

    // Once only: neither the list nor a reload ever shows the value again.
    await page.reload();
    await patRow('ci deploy').waitFor();
    expect(await page.content()).not.toContain(patValue);
    const [stored] = await service.client.pats.list(userId);
    expect(stored).toMatchObject({ name: 'ci deploy', scopes: null, lastUsedAt: null });
    expect(stored!.expiresAt! - stored!.createdAt).toBeGreaterThan(7 * 86_400_000 - 60_000);
  });

  it('shows the API’s {code, message} when it refuses, in the dialog that asked', async () => {
    await page.getByRole('button', { name: 'New token' }).click();
    await dialog().getByLabel('Name').fill('ci deploy');
    await dialog().getByRole('button', { name: 'Create token' }).click();
    const alert = dialog().getByRole('alert');
    await hasText(alert.locator('.alert-message'), 'A personal access token with this name already exists.');
    await hasText(alert.locator('.alert-code'), 'user.personal_access_token_name_exists');
    expectFailedRequest(422);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });

  it('creates an application (secret shown once) and an API resource with scopes', async () => {
    await page.getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('heading', { name: 'Applications' }).waitFor();
    await page.getByRole('button', { name: 'New application' }).click();
    await dialog().getByLabel('Name').fill('Build bot');
    await dialog().getByLabel('Type').selectOption('MachineToMachine');
    expect(
      await dialog()
        .getByLabel(/Allow token exchange/)
        .isChecked(),
    ).toBe(true);
    await dialog().getByRole('button', { name: 'Create application' }).click();

    const reveal = page.getByRole('dialog', { name: 'Application “Build bot” created' });
    const secret = await reveal.getByRole('textbox', { name: 'Client secret' }).inputValue();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    await reveal.getByRole('button', { name: 'Done' }).click();
    const app = (await service.client.applications.list()).find((each) => each.name === 'Build bot')!;
    expect(app).toMatchObject({ type: 'MachineToMachine', customClientMetadata: { allowTokenExchange: true } });
    expect(await page.getByRole('switch', { name: 'Allow token exchange for Build bot' }).isChecked()).toBe(true);

    await page.getByRole('link', { name: 'API resources' }).click();
    await page.getByRole('button', { name: 'New API resource' }).click();
    await dialog().getByLabel('Name').fill(resource.name);
    await dialog().getByLabel('Indicator').fill(resource.indicator);
    await dialog()
      .getByLabel(/Scopes/)
      .fill(resource.scopes.join(' '));
    await dialog().getByRole('button', { name: 'Create API resource' }).click();
    const row = patRow(resource.name);
    for (const scope of resource.scopes) await row.getByText(scope).waitFor();
    expect(await service.client.resources.list()).toEqual([
      expect.objectContaining({ indicator: resource.indicator, scopes: resource.scopes }),
    ]);
  });

  it('sets and removes an API resource’s PAT policy override in its dialog', async () => {
    await page.getByRole('button', { name: `Edit the PAT policy of ${resource.name}` }).click();
    await dialog().getByLabel('Require PATs to expire').check();
    await dialog().getByLabel('Maximum PAT age in days').fill('30');
    await dialog().getByRole('button', { name: 'Save PAT policy' }).click();
    await patRow(resource.name).getByText('expiry required, max 30 days').waitFor();
    const saved = (await service.client.resources.list()).find((item) => item.indicator === resource.indicator)!;
    expect(saved.patPolicy).toEqual({ requireExpiry: true, maxLifetimeSeconds: 30 * 86400 });

    // The dialog shows the current override; emptied, it removes it (later tests exchange non-expiring PATs).
    await page.getByRole('button', { name: `Edit the PAT policy of ${resource.name}` }).click();
    expect(await dialog().getByLabel('Maximum PAT age in days').inputValue()).toBe('30');
    await dialog().getByLabel('Require PATs to expire').uncheck();
    await dialog().getByLabel('Maximum PAT age in days').fill('');
    await dialog().getByRole('button', { name: 'Save PAT policy' }).click();
    await patRow(resource.name).getByText('deployment’s').waitFor();
    expect((await service.client.resources.get(saved.id)).patPolicy).toBeNull();
  });

  it('exchanges the PAT in “Try it” and shows the claims of a token that verifies against the JWKS', async () => {
    // Logto's RBAC: the resource's scopes reach the user through a role (the Roles tab's own test comes later).
    const created = (await service.client.resources.list()).find((item) => item.indicator === resource.indicator)!;
    const scopes = await service.client.resources.scopes.list(created.id);
    const role = await service.client.roles.create({
      name: 'builds',
      description: 'the Build API',
      scopeIds: scopes.map((scope) => scope.id),
    });
    await service.client.roles.assign(userId, [role.id]);
    await page.getByRole('link', { name: 'Try it' }).click();
    await page.getByLabel('Personal access token', { exact: true }).fill(patValue);
    // The local service's demo application: the page says where its secret is.
    await page.getByLabel('Application', { exact: true }).selectOption({ label: 'Demo application' });
    await page.getByText('demoApplication.clientSecret').waitFor();
    await page.getByLabel('Application', { exact: true }).selectOption({ label: 'Build bot' });
    // Created in this tab, so the page still holds the secret (in memory only).
    await eventually(async () =>
      expect(await page.getByLabel('Client secret', { exact: true }).inputValue()).not.toBe(''),
    );
    await page.getByLabel('API resource', { exact: true }).selectOption({ label: resource.name });
    await page.getByRole('button', { name: 'read:builds' }).click();
    expect(await page.getByLabel(/Scopes/).inputValue()).toBe('read:builds');
    await page.getByRole('button', { name: 'Exchange' }).click();

    await page.getByTestId('verification').getByText('Verified').waitFor();
    await hasText(page.locator('[data-claim="sub"]'), userId);
    await hasText(page.locator('[data-claim="aud"]'), resource.indicator);
    await hasText(page.locator('[data-claim="scope"]'), 'read:builds');
    await screenshot('1280-try-it-result');
    await page.setViewportSize(NARROW);
    await page.screenshot({ path: join(SCREENSHOTS, '390-try-it-result.png'), fullPage: true });
    await page.setViewportSize(WIDE);

    // The token the page decoded is one a resource server accepts.
    await page.getByRole('button', { name: 'Copy access token' }).click();
    const { payload } = await service.verify(await clipboard(), resource.indicator);
    expect(payload).toMatchObject({ sub: userId, aud: resource.indicator, scope: 'read:builds' });
  });

  it('shows the token endpoint’s error when an exchange is refused', async () => {
    await page.getByLabel('Personal access token', { exact: true }).fill('pat_not-a-real-token');
    await page.getByRole('button', { name: 'Exchange' }).click();
    await hasText(page.getByRole('alert').locator('.alert-code'), 'invalid_request');
    expectFailedRequest(400);
  });

  it('renames and then deletes the PAT, with confirmation', async () => {
    await open(`#/users/${encodeURIComponent(userId)}`);
    await hasText(patRow('ci deploy').locator('[data-label="Last used"]'), 'just now'); // by "Try it"
    await screenshot('1280-users');

    await page.getByRole('button', { name: 'Rename ci deploy' }).click();
    const name = dialog().getByLabel('New name');
    expect(await name.inputValue()).toBe('ci deploy');
    await name.fill('ci release');
    await dialog().getByRole('button', { name: 'Rename' }).click();
    await patRow('ci release').waitFor();
    await page.getByRole('status').getByText('Renamed “ci deploy” to “ci release”.').waitFor();
    expect((await service.client.pats.list(userId)).map((pat) => pat.name)).toEqual(['ci release']);

    await page.getByRole('button', { name: 'Rotate ci release' }).click();
    await dialog().getByRole('button', { name: 'Rotate token' }).click();
    const reveal = page.getByRole('dialog', { name: 'Token “ci release” rotated' });
    const rotatedValue = await reveal.getByRole('textbox', { name: 'Personal access token' }).inputValue();
    expect(rotatedValue).toMatch(/^pat_/);
    expect(rotatedValue).not.toBe(patValue);
    await reveal.getByRole('button', { name: 'Done' }).click();
    await reveal.waitFor({ state: 'detached' });
    const demo = service.config.demoApplication;
    expect((await service.client.exchange({ pat: rotatedValue, ...demo })).status).toBe(200);
    expect((await service.client.exchange({ pat: patValue, ...demo })).status).toBe(400);

    await page.getByRole('button', { name: 'Delete ci release' }).click();
    await dialog().getByText('This cannot be undone').waitFor();
    await screenshot('1280-confirm-delete');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await patRow('ci release').waitFor();

    await page.getByRole('button', { name: 'Delete ci release' }).click();
    await dialog().getByRole('button', { name: 'Delete token' }).click();
    await page.getByText(`${userId} has no personal access tokens`).waitFor();
    expect(await service.client.pats.list(userId)).toEqual([]);
  });

  it('suspends and unsuspends the user (a badge shows which), and revokes all their tokens', async () => {
    const pat = await service.client.pats.create(userId, { name: 'laptop' });
    const demo = service.config.demoApplication;
    const exchange = () =>
      service.client.exchange({ pat: pat.value, clientId: demo.clientId, clientSecret: demo.clientSecret });
    await page.reload();

    await page.getByRole('button', { name: 'Suspend', exact: true }).click();
    await dialog().getByRole('button', { name: 'Suspend' }).click();
    await page.getByRole('heading', { name: /suspended/ }).waitFor();
    expect((await exchange()).status).toBe(400);
    // The badge is the service's word, not the page's memory.
    await page.reload();
    await hasText(page.getByRole('heading', { name: /User/ }).locator('.badge'), 'suspended');
    expect(await service.client.users.get(userId)).toMatchObject({ isSuspended: true });

    await page.getByRole('button', { name: 'Unsuspend' }).click();
    await page.getByRole('heading', { name: /active/ }).waitFor();
    expect((await exchange()).status).toBe(200);

    await page.getByRole('button', { name: 'Revoke all' }).click();
    await dialog().getByRole('button', { name: 'Revoke all' }).click();
    await page.getByText(`${userId} has no personal access tokens`).waitFor();
    expect(await service.client.pats.list(userId)).toEqual([]);
  });

  it('stops token exchange for an application and deletes it', async () => {
    await open('#/applications');
    const toggle = page.getByRole('switch', { name: 'Allow token exchange for Build bot' });
    await toggle.click();
    await page
      .getByRole('status')
      .getByText(/Token exchange stopped for “Build bot”/)
      .waitFor();
    const app = (await service.client.applications.list()).find((each) => each.name === 'Build bot')!;
    expect(app.customClientMetadata.allowTokenExchange).toBe(false);

    await page.getByRole('button', { name: 'Delete Build bot' }).click();
    await dialog().getByRole('button', { name: 'Delete application' }).click();
    await page.getByRole('rowheader', { name: 'Build bot' }).waitFor({ state: 'detached' });
    expect((await service.client.applications.list()).map((each) => each.name)).not.toContain('Build bot');
  });

  it('lists the changes above in the Audit tab, filters them by action, and shows a user’s own on their page', async () => {
    const actionsOf = async (view: Locator) =>
      (await view.locator('tbody th[data-label="Action"]').allInnerTexts()).map((text) => text.trim());
    const audit = page.locator('[data-view="audit"]');
    await open('#/audit');
    await loaded('audit');
    const actions = await actionsOf(audit);
    expect(actions).toEqual(expect.arrayContaining(['user.created', 'pat.created', 'pat.renamed', 'pat.deleted']));
    const pager = page.getByRole('navigation', { name: 'Pages of audit events' });
    const total = Number(/· (\d+) events?$/.exec((await pager.locator('span').innerText()).trim())![1]);
    expect(total).toBeGreaterThanOrEqual(actions.length);
    // The console's own caller, source and request id, as the API recorded them.
    const created = audit
      .getByRole('row')
      .filter({ has: page.getByRole('rowheader', { name: 'user.created' }) })
      .filter({ hasText: userId });
    const event = (await service.client.audit.list({ action: 'user.created', userId })).events[0]!;
    await hasText(created.locator('[data-label="Caller"]'), event.callerArn);
    await hasText(created.locator('[data-label="Source IP"]'), event.sourceIp ?? '—');
    await hasText(created.locator('[data-label="Request id"]'), event.requestId ?? '—');

    await audit.getByLabel('Action').fill('pat.created');
    await audit.getByRole('button', { name: 'Filter' }).click();
    await eventually(async () => expect(new Set(await actionsOf(audit))).toEqual(new Set(['pat.created'])));
    const patCreated = (await service.client.audit.list({ action: 'pat.created' })).total;
    await hasText(pager.locator('span'), `Page 1 of 1 · ${patCreated} ${patCreated === 1 ? 'event' : 'events'}`);
    expect(patCreated).toBeLessThan(total);
    await screenshot('1280-audit');

    await audit.getByLabel('Action').fill('no.such_action');
    await audit.getByRole('button', { name: 'Filter' }).click();
    await audit.getByText('No audit events match these filters.').waitFor();

    await open(`#/users/${encodeURIComponent(userId)}`);
    const own = page.locator('pg-audit');
    await own.locator('table').waitFor();
    const ownActions = await actionsOf(own);
    expect(ownActions).toEqual(
      expect.arrayContaining(['user.created', 'pat.created', 'pat.renamed', 'pat.deleted', 'user.suspended']),
    );
    const expected = (await service.client.audit.list({ userId, perUserRoute: true, pageSize: 20 })).events;
    expect(ownActions).toEqual(expected.map((each) => each.action));
    expect(expected.every((each) => each.userId === userId)).toBe(true);
  });

  it('edits a resource’s scopes, grants one with a role held on the user’s page; removing the role takes it away', async () => {
    const member = await service.client.users.create({ id: `${userId}-rbac` });
    const pat = await service.client.pats.create(member.id, { name: 'deploys' });
    const deploy = { name: 'Deploy API', indicator: 'https://deploy.example.test' };
    /** What an exchange for the Deploy API grants, from a token that verifies. */
    const grantedScope = async () => {
      const response = await service.client.exchange({
        pat: pat.value,
        ...service.config.demoApplication,
        resource: deploy.indicator,
        scope: 'deploy:prod deploy:staging',
      });
      expect(response.status).toBe(200);
      const body = response.json as { access_token: string; scope: string };
      const { payload } = await service.verify(body.access_token, deploy.indicator);
      expect(payload.scope ?? '').toBe(body.scope);
      return body.scope;
    };

    await open('#/resources');
    await page.getByRole('button', { name: 'New API resource' }).click();
    await dialog().getByLabel('Name').fill(deploy.name);
    await dialog().getByLabel('Indicator').fill(deploy.indicator);
    await dialog().getByRole('button', { name: 'Create API resource' }).click();
    await page.getByRole('link', { name: deploy.name }).click();
    await page.getByRole('heading', { name: `API resource ${deploy.name}` }).waitFor();
    for (const [name, description] of [
      ['deploy:prod', 'Production'],
      ['deploy:staging', ''],
    ]) {
      await page.getByRole('button', { name: 'New scope' }).click();
      await dialog().getByLabel('Name').fill(name!);
      await dialog()
        .getByLabel(/Description/)
        .fill(description!);
      await dialog().getByRole('button', { name: 'Create scope' }).click();
      await patRow(name!).waitFor();
    }
    // A name the resource has: the API's answer, in the dialog.
    await page.getByRole('button', { name: 'New scope' }).click();
    await dialog().getByLabel('Name').fill('deploy:prod');
    await dialog().getByRole('button', { name: 'Create scope' }).click();
    await hasText(dialog().getByRole('alert').locator('.alert-code'), 'scope.name_exists');
    expectFailedRequest(422);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Edit deploy:staging' }).click();
    await dialog()
      .getByLabel(/Description/)
      .fill('The staging cluster');
    await dialog().getByRole('button', { name: 'Save scope' }).click();
    await hasText(patRow('deploy:staging').locator('[data-label="Description"]'), 'The staging cluster');
    const resourceId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
    expect(
      (await service.client.resources.scopes.list(resourceId)).map(({ name, description }) => ({ name, description })),
    ).toEqual(
      expect.arrayContaining([
        { name: 'deploy:prod', description: 'Production' },
        { name: 'deploy:staging', description: 'The staging cluster' },
      ]),
    );
    await page.getByRole('button', { name: 'Delete deploy:staging' }).click();
    await dialog().getByRole('button', { name: 'Delete scope' }).click();
    await patRow('deploy:staging').waitFor({ state: 'detached' });
    expect((await service.client.resources.scopes.list(resourceId)).map((scope) => scope.name)).toEqual([
      'deploy:prod',
    ]);

    await page.getByRole('link', { name: 'Roles' }).click();
    await page.getByRole('button', { name: 'New role' }).click();
    await dialog().getByLabel('Name').fill('deployers');
    await dialog().getByLabel('Description').fill('Deploy to production');
    await dialog().getByRole('button', { name: 'Create role' }).click();
    await page.getByRole('heading', { name: 'Role deployers' }).waitFor();
    await page.getByText('This role grants no scopes yet').waitFor();
    await page.getByRole('button', { name: 'Add scope' }).click();
    await dialog()
      .getByLabel('API resource')
      .selectOption({ label: `${deploy.name} (${deploy.indicator})` });
    await eventually(async () =>
      expect(await dialog().getByLabel('Scope').locator('option').allInnerTexts()).toEqual(['deploy:prod']),
    );
    await screenshot('1280-role-add-scope', dialog());
    await dialog().getByRole('button', { name: 'Add scope' }).click();
    await hasText(patRow('deploy:prod').locator('[data-label="API resource"] a'), deploy.name);
    const role = (await service.client.roles.list()).find((each) => each.name === 'deployers')!;
    expect(role.description).toBe('Deploy to production');
    expect((await service.client.roles.scopes(role.id)).map((scope) => scope.name)).toEqual(['deploy:prod']);

    await open(`#/users/${encodeURIComponent(member.id)}`);
    await page.getByText(`${member.id} holds no roles.`).waitFor();
    await page.getByRole('button', { name: 'Assign role' }).click();
    await dialog().getByLabel('Role').selectOption({ label: 'deployers' });
    await dialog().getByRole('button', { name: 'Assign role' }).click();
    await page.getByRole('link', { name: 'deployers' }).waitFor();
    expect((await service.client.roles.ofUser(member.id)).map((each) => each.name)).toEqual(['deployers']);
    expect(await grantedScope()).toBe('deploy:prod');
    await screenshot('1280-user-roles');

    await page.getByRole('button', { name: 'Remove the role deployers' }).click();
    await dialog().getByRole('button', { name: 'Remove role' }).click();
    await page.getByText(`${member.id} holds no roles.`).waitFor();
    expect(await service.client.roles.ofUser(member.id)).toEqual([]);
    expect(await grantedScope()).toBe('');
  });

  it('manages organizations: organization scopes and roles, members and their roles; the member gets an organization token', async () => {
    const member = await service.client.users.create({ id: `${userId}-org` });
    const pat = await service.client.pats.create(member.id, { name: 'org work' });
    const exchange = (organizationId: string) =>
      service.client.exchange({
        pat: pat.value,
        ...service.config.demoApplication,
        organizationId,
        scope: 'read:projects write:projects',
      });

    await open('#/organizations');
    await loaded('organizations');
    for (const name of ['read:projects', 'write:projects']) {
      await page.getByRole('button', { name: 'New organization scope' }).click();
      await dialog().getByLabel('Name').fill(name);
      await dialog().getByRole('button', { name: 'Create organization scope' }).click();
      await patRow(name).waitFor();
    }
    await page.getByRole('button', { name: 'New organization role' }).click();
    await dialog().getByLabel('Name').fill('viewer');
    await dialog().getByRole('button', { name: 'Create organization role' }).click();
    await page.getByRole('button', { name: 'Add a scope to viewer' }).click();
    await dialog().getByLabel('Organization scope').selectOption({ label: 'read:projects' });
    await dialog().getByRole('button', { name: 'Add scope' }).click();
    await page.getByRole('button', { name: 'Remove read:projects from viewer' }).waitFor();
    const viewer = (await service.client.organizations.roles.list()).find((each) => each.name === 'viewer')!;
    expect((await service.client.organizations.roles.scopes(viewer.id)).map((scope) => scope.name)).toEqual([
      'read:projects',
    ]);

    await page.getByRole('button', { name: 'New organization', exact: true }).click();
    await dialog().getByLabel('Name').fill('Acme');
    await dialog()
      .getByLabel(/Description/)
      .fill('A customer');
    await dialog().getByRole('button', { name: 'Create organization' }).click();
    await page.getByRole('heading', { name: 'Organization Acme' }).waitFor();
    const organizationId = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
    expect(await service.client.organizations.get(organizationId)).toMatchObject({
      name: 'Acme',
      description: 'A customer',
    });
    expect((await exchange(organizationId)).status).toBe(403); // not a member yet

    await page.getByRole('button', { name: 'Add member' }).click();
    await dialog().getByLabel('User id').fill(member.id);
    await dialog().getByRole('button', { name: 'Add member' }).click();
    await page.getByRole('link', { name: member.id }).waitFor();
    await page.getByRole('button', { name: `Assign an organization role to ${member.id}` }).click();
    await dialog().getByLabel('Organization role').selectOption({ label: 'viewer' });
    await dialog().getByRole('button', { name: 'Assign role' }).click();
    await page.getByRole('button', { name: `Remove viewer from ${member.id}` }).waitFor();
    await screenshot('1280-organization');
    expect(await service.client.organizations.members(organizationId)).toEqual([
      expect.objectContaining({ id: member.id, organizationRoles: [{ id: viewer.id, name: 'viewer' }] }),
    ]);

    // The member's page lists the organization, with their organization roles there.
    await open(`#/users/${encodeURIComponent(member.id)}`);
    const memberships = page.locator('pg-user-organizations');
    await hasText(patRow('Acme').locator('[data-label="Organization roles"]'), 'viewer');
    await hasText(patRow('Acme').locator('[data-label="Description"]'), 'A customer');
    expect(await memberships.getByRole('row').count()).toBe(2); // the header and Acme
    await memberships.getByRole('link', { name: 'Acme' }).click();
    await page.getByRole('heading', { name: 'Organization Acme' }).waitFor();

    const response = await exchange(organizationId);
    expect(response.status).toBe(200);
    const token = (response.json as { access_token: string }).access_token;
    const { payload } = await service.verify(token, `urn:logto:organization:${organizationId}`);
    expect(payload).toMatchObject({ sub: member.id, scope: 'read:projects' });

    await page.getByRole('button', { name: `Remove ${member.id}`, exact: true }).click();
    await dialog().getByRole('button', { name: 'Remove member' }).click();
    await page.getByText('No members yet').waitFor();
    expect((await exchange(organizationId)).status).toBe(403);
    await open(`#/users/${encodeURIComponent(member.id)}`);
    await page.getByText(`${member.id} is a member of no organization.`).waitFor();
    await open(`#/organizations/${encodeURIComponent(organizationId)}`);

    await page.getByRole('button', { name: 'Delete organization' }).click();
    await dialog().getByRole('button', { name: 'Delete organization' }).click();
    await page.getByRole('heading', { name: 'Organizations', exact: true }).waitFor();
    await eventually(async () => expect(new URL(page.url()).hash).toBe('#/organizations'));
    expect((await service.client.organizations.list()).map((each) => each.id)).not.toContain(organizationId);
  });

  it('lists, searches and pages through users; suspends one from the list', async () => {
    const tag = `pages-${Date.now().toString(36)}`;
    for (let n = 1; n <= 22; n++) {
      await service.client.users.create({ id: `${tag}-${String(n).padStart(2, '0')}` });
      await new Promise((resolve) => setTimeout(resolve, 2)); // newest first needs distinct creation times
    }
    await open('#/users');
    await loaded('users');
    await page.getByLabel('Search users').fill(tag);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const pager = page.getByRole('navigation', { name: 'Pages of users' });
    await hasText(pager.locator('span'), 'Page 1 of 2 · 22 users');
    const ids = async () =>
      (await page.locator('[data-view="users"] tbody th').allInnerTexts()).map((text) => text.trim());
    expect(await ids()).toEqual(Array.from({ length: 20 }, (_, i) => `${tag}-${String(22 - i).padStart(2, '0')}`));
    expect(await pager.getByRole('button', { name: 'Previous' }).isDisabled()).toBe(true);

    await pager.getByRole('button', { name: 'Next' }).click();
    await hasText(pager.locator('span'), 'Page 2 of 2 · 22 users');
    expect(await ids()).toEqual([`${tag}-02`, `${tag}-01`]);
    expect(await pager.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);

    await page.getByRole('button', { name: `Suspend ${tag}-01`, exact: true }).click();
    await dialog().getByRole('button', { name: 'Suspend' }).click();
    await hasText(patRow(`${tag}-01`).locator('[data-label="Status"] .badge'), 'suspended');
    expect(await service.client.users.get(`${tag}-01`)).toMatchObject({ isSuspended: true });
    await screenshot('1280-users-list');
    await page.getByRole('button', { name: `Unsuspend ${tag}-01`, exact: true }).click();
    await hasText(patRow(`${tag}-01`).locator('[data-label="Status"] .badge'), 'active');
    expect(await service.client.users.get(`${tag}-01`)).toMatchObject({ isSuspended: false });

    // Deleting the last user of the last page shows the page before.
    await page.getByRole('button', { name: `Delete ${tag}-02`, exact: true }).click();
    await dialog().getByRole('button', { name: 'Delete user' }).click();
    await page.getByRole('button', { name: `Delete ${tag}-01`, exact: true }).click();
    await dialog().getByRole('button', { name: 'Delete user' }).click();
    await hasText(pager.locator('span'), 'Page 1 of 1 · 20 users');

    await page.getByLabel('Search users').fill(`${tag}-nobody`);
    await page.keyboard.press('Enter');
    await page.getByText(`No users match “${tag}-nobody”.`).waitFor();
  });

  it('works with the keyboard alone', async () => {
    const keyboardUser = await service.client.users.create({ id: `${userId}-kb` });
    await open('#/users');
    await page.keyboard.press('Tab');
    await isFocused(page.getByRole('link', { name: 'Skip to content' }));
    await page.getByLabel('Search users').focus();
    await page.keyboard.type(keyboardUser.id);
    await page.keyboard.press('Enter');
    await patRow(keyboardUser.id).waitFor();
    await page.keyboard.press('Tab'); // past the search button
    await page.keyboard.press('Tab');
    await isFocused(page.getByRole('link', { name: keyboardUser.id }));
    await page.keyboard.press('Enter');
    await page.getByText(`${keyboardUser.id} has no personal access tokens`).waitFor();
    const newToken = page.getByRole('button', { name: 'New token' });
    await newToken.focus();
    await page.keyboard.press('Enter');
    await isFocused(dialog().getByLabel('Name'));
    await page.keyboard.type('keyboard');
    await page.keyboard.press('Enter');
    const reveal = page.getByRole('dialog', { name: 'Token “keyboard” created' });
    await isFocused(reveal.getByRole('textbox', { name: 'Personal access token' }));
    await page.keyboard.press('Escape');
    await reveal.waitFor({ state: 'detached' });
    await isFocused(newToken); // focus returns to where the dialog was opened from
    await patRow('keyboard').waitFor();
  });

  it('looks tidy at 1280 and 390 px wide, without horizontal scrolling', async () => {
    await service.client.pats.create(userId, {
      name: 'nightly build',
      expiresAt: Date.now() + 3 * 86_400_000,
      scopes: ['read:builds'],
    });
    await service.client.pats.create(userId, { name: 'release pipeline', expiresAt: null });
    for (const [label, viewport] of [
      ['1280', WIDE],
      ['390', NARROW],
    ] as const) {
      await page.setViewportSize(viewport);
      for (const [view, fragment, ready] of [
        ['users', '#/users', () => patRow(`${userId}-kb`).waitFor()],
        ['user', `#/users/${encodeURIComponent(userId)}`, () => patRow('release pipeline').waitFor()],
        ['applications', '#/applications', () => loaded('applications')],
        ['resources', '#/resources', () => loaded('resources')],
        ['roles', '#/roles', () => loaded('roles')],
        ['organizations', '#/organizations', () => loaded('organizations')],
        ['try-it', '#/try', () => page.getByLabel('Application', { exact: true }).waitFor()],
      ] as const) {
        await open(fragment);
        await ready();
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
        expect({ view, width: label, overflow }).toEqual({ view, width: label, overflow: 0 });
        await page.screenshot({
          path: join(SCREENSHOTS, `${label}-${view}.png`),
          fullPage: true,
          animations: 'disabled',
        });
      }
    }
    await page.setViewportSize(NARROW);
    await open(`#/users/${encodeURIComponent(userId)}`);
    await page.getByRole('button', { name: 'New token' }).click();
    await dialog().getByRole('radio', { name: 'On a date' }).check();
    await screenshot('390-new-token');
    await page.keyboard.press('Escape');
    await page.setViewportSize(WIDE);
  });

  it('deletes the user, with confirmation: their PATs stop working and are gone', async () => {
    const pat = await service.client.pats.create(userId, { name: 'doomed' });
    const demo = service.config.demoApplication;
    const exchange = () =>
      service.client.exchange({ pat: pat.value, clientId: demo.clientId, clientSecret: demo.clientSecret });
    expect((await exchange()).status).toBe(200);
    await open(`#/users/${encodeURIComponent(userId)}`);
    await patRow('doomed').waitFor();

    await page.getByRole('button', { name: 'Delete user' }).click();
    await dialog().getByText('This cannot be undone').waitFor();
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    expect((await service.client.users.get(userId)).id).toBe(userId);

    await page.getByRole('button', { name: 'Delete user' }).click();
    await dialog().getByRole('button', { name: 'Delete user' }).click();
    await page.getByRole('status').getByText(`Deleted user ${userId}.`).waitFor();
    await eventually(async () => expect(new URL(page.url()).hash).toBe('#/users'));
    await patRow(`${userId}-kb`).waitFor();
    expect(await patRow(userId).count()).toBe(0);
    await expect(service.client.users.get(userId)).rejects.toMatchObject({ status: 404 });
    expect((await exchange()).status).toBe(400);

    // Its page, opened again, says so in the API's words.
    await open(`#/users/${encodeURIComponent(userId)}`);
    await hasText(page.getByRole('alert').locator('.alert-message'), 'The user does not exist.');
    // The user and their PATs are asked for at once; the page shows the first refusal, the browser logs both.
    await eventually(async () =>
      expect(consoleErrors.filter((text) => text.includes('status of 404'))).toHaveLength(2),
    );
    expectFailedRequest(404);
    expectFailedRequest(404);

    // Registered again, the id starts afresh: the old PATs stay gone.
    await page.getByRole('button', { name: `Register ${userId}` }).click();
    await page.getByRole('heading', { name: `User ${userId} active` }).waitFor();
    await page.getByText(`${userId} has no personal access tokens`).waitFor();
    expect((await exchange()).status).toBe(400);
  });
});

/** Retries a check until it passes or time is up, as Playwright's own (@playwright/test) assertions do. */
async function eventually<T>(check: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

const hasText = (locator: Locator, text: string) =>
  eventually(async () => expect((await locator.innerText()).trim()).toBe(text));

const isFocused = (locator: Locator) =>
  eventually(async () =>
    expect(await locator.evaluate((element) => element === element.ownerDocument.activeElement)).toBe(true),
  );
