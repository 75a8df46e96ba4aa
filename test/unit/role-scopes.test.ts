/** model/role.ts: the scopes of a resource that a user's roles grant (what the exchange intersects with). */
import type { ApiResource } from '../../lambdas/shared/model/resource';
import { roleScopeNames, type Role } from '../../lambdas/shared/model/role';

const resource: ApiResource = {
  id: 'r1',
  name: 'API',
  indicator: 'https://api.example.com',
  accessTokenTtl: null,
  scopes: ['read', 'write', 'admin'].map((name) => ({ id: `s-${name}`, name, description: null, createdAt: 0 })),
  createdAt: 0,
};

const role = (id: string, scopeIds: string[], type: Role['type'] = 'User'): Role => ({
  id,
  name: id,
  description: id,
  type,
  isDefault: false,
  scopes: scopeIds.map((scopeId) => ({ resourceId: scopeId === 'elsewhere' ? 'r2' : 'r1', scopeId })),
  createdAt: 0,
});

const roles = new Map(
  [
    role('reader', ['s-read']),
    role('writer', ['s-write', 'elsewhere']),
    role('machine', ['s-admin'], 'MachineToMachine'),
  ].map((each) => [each.id, each]),
);

it("grants the names of the resource's scopes that the user's User roles grant, in the resource's order", () => {
  expect(roleScopeNames(resource, ['writer', 'reader'], roles)).toEqual(['read', 'write']);
  expect(roleScopeNames(resource, ['reader', 'reader'], roles)).toEqual(['read']);
});

it('grants nothing for unknown roles, deleted scopes or scopes of other resources', () => {
  expect(roleScopeNames(resource, ['deleted-role'], roles)).toEqual([]);
  expect(roleScopeNames({ ...resource, scopes: [] }, ['reader'], roles)).toEqual([]);
  expect(roleScopeNames(resource, [], roles)).toEqual([]);
});

it('grants nothing for a MachineToMachine role, even one a user holds (no client_credentials grant here)', () => {
  expect(roleScopeNames(resource, ['machine'], roles)).toEqual([]);
  expect(roleScopeNames(resource, ['machine', 'reader'], roles)).toEqual(['read']);
});
