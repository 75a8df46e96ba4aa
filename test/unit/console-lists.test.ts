/** The console page's pure list helpers (console/src/lists.ts), routes (route.ts) and its loader's ordering. */
import { byName, choicesOf, countOf, newestFirst, optionalText, pageCount } from '../../console/src/lists';
import { hrefOf, parseRoute, type Route } from '../../console/src/route';
import { Loader } from '../../console/src/components/loader';

describe('pageCount and countOf', () => {
  it.each([
    [0, 1],
    [1, 1],
    [20, 1],
    [21, 2],
    [40, 2],
    [41, 3],
  ])('%p items of 20 a page → %p pages', (total, pages) => expect(pageCount(total, 20)).toBe(pages));

  it('counts in the singular or the plural', () => {
    expect([0, 1, 2].map((count) => countOf(count, 'user'))).toEqual(['0 users', '1 user', '2 users']);
  });
});

describe('choicesOf', () => {
  const roles = [
    { id: 'r3', name: 'viewer' },
    { id: 'r1', name: 'admin' },
    { id: 'r2', name: 'Deployer' },
  ];

  it('offers what is not held yet, by name', () => {
    expect(choicesOf(roles, ['r2'])).toEqual([
      { value: 'r1', label: 'admin' },
      { value: 'r3', label: 'viewer' },
    ]);
    expect(choicesOf(roles, new Set(['r1', 'r2', 'r3']))).toEqual([]);
    expect(choicesOf([], [])).toEqual([]);
  });

  it('leaves its input as it was', () => {
    const before = JSON.stringify(roles);
    choicesOf(roles, []);
    byName(roles);
    expect(JSON.stringify(roles)).toBe(before);
  });
});

it('sorts newest first and by name, and reads a blank optional text as null', () => {
  expect(newestFirst([{ createdAt: 1 }, { createdAt: 3 }, { createdAt: 2 }])).toEqual([
    { createdAt: 3 },
    { createdAt: 2 },
    { createdAt: 1 },
  ]);
  expect(byName([{ name: 'b' }, { name: 'A' }, { name: 'c' }]).map((each) => each.name)).toEqual(['A', 'b', 'c']);
  expect([optionalText(''), optionalText('  '), optionalText(' staging ')]).toEqual([null, null, 'staging']);
});

describe('routes', () => {
  it.each<[string, Route]>([
    ['', { view: 'users' }],
    ['#/users', { view: 'users' }],
    ['#/users/auth0%7C42', { view: 'users', userId: 'auth0|42' }],
    ['#/roles', { view: 'roles' }],
    ['#/roles/r1', { view: 'roles', roleId: 'r1' }],
    ['#/organizations/o%2F1', { view: 'organizations', organizationId: 'o/1' }],
    ['#/resources/abc', { view: 'resources', resourceId: 'abc' }],
    ['#/applications', { view: 'applications' }],
    ['#/audit', { view: 'audit' }],
    ['#/try', { view: 'try' }],
  ])('%s ↔ %j', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
    if (hash) expect(hrefOf(route)).toBe(hash);
  });

  it('reads an unknown view as the users list, and an id that does not decode as its view’s list', () => {
    expect(parseRoute('#/nowhere')).toEqual({ view: 'users' });
    expect(parseRoute('#/roles/%E0%A4%A')).toEqual({ view: 'roles' });
    expect(parseRoute('#/applications/x')).toEqual({ view: 'applications' });
  });
});

describe('Loader', () => {
  const host = () => ({
    updates: 0,
    addController() {},
    removeController() {},
    requestUpdate() {
      this.updates++;
    },
    updateComplete: Promise.resolve(true),
  });

  it('keeps the value of the latest load, even when an older one answers after it', async () => {
    const answers: ((value: string) => void)[] = [];
    const loader = new Loader(host(), () => new Promise<string>((resolve) => answers.push(resolve)));
    const first = loader.load();
    const second = loader.load();
    expect(loader.loading).toBe(true);
    answers[1]!('new');
    await second;
    expect([loader.value, loader.loading]).toEqual(['new', false]);
    answers[0]!('old');
    await first;
    expect(loader.value).toBe('new');
  });

  it('holds the error of a failed load until one succeeds, and forgets everything when cleared', async () => {
    let fail = true;
    const loader = new Loader(host(), async () => {
      if (fail) throw new Error('offline');
      return 42;
    });
    await loader.load();
    expect([loader.value, (loader.error as Error).message, loader.loading]).toEqual([undefined, 'offline', false]);
    fail = false;
    await loader.load();
    expect([loader.value, loader.error]).toEqual([42, undefined]);
    const pending = loader.load();
    loader.clear();
    await pending;
    expect([loader.value, loader.error, loader.loading]).toEqual([undefined, undefined, false]);
  });
});
