/**
 * Roles (Logto's RBAC): a role grants API resources' scopes to the users who hold it. The list, and a role's
 * page (`#/roles/{roleId}`) with its scopes. Users get roles on their own page.
 */
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type Role, type ScopeWithResource } from '../api';
import { formatDate } from '../format';
import { byName, choicesOf, newestFirst } from '../lists';
import { hrefOf } from '../route';
import { LightElement, routeTo } from './base';
import { choose, confirmAction } from './dialogs';
import { backLink, listOf, rowButton, section, table, timeOf } from './fragments';
import { Loader } from './loader';
import { deleteNamed, editNamed, namedFields } from './named';
import { whenDone } from './notices';

/** Creates a role, or edits `role`; then goes on with `then`. */
const editRole = (role: Role | undefined, then: (saved: Role) => unknown) =>
  editNamed({
    kind: 'role',
    item: role,
    fields: namedFields(role, { descriptionRequired: true }),
    save: ({ name, description }) => {
      const body = { name, description: description ?? '' }; // required: never blank
      return role ? api.call('updateRole', { params: { id: role.id }, body }) : api.call('createRole', { body });
    },
    then,
  });

const deleteRole = (role: Role, then: () => unknown) =>
  deleteNamed({
    kind: 'role',
    name: role.name,
    message: 'Its users lose the scopes it grants: their tokens stop carrying them. This cannot be undone.',
    action: () => api.call('deleteRole', { params: { id: role.id } }),
    then,
  });

@customElement('pg-roles')
export class RolesView extends LightElement {
  /** From the route (`#/roles/{roleId}`): that role's page instead of the list. */
  @property({ attribute: false }) accessor roleId: string | undefined = undefined;
  /** Loads the list (again) whenever it is shown. */
  @property({ type: Boolean }) accessor active = false;
  private readonly roles = new Loader(this, async () => newestFirst(await api.call('listRoles', {})));

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('active') || changed.has('roleId')) && this.active && !this.roleId) void this.roles.load();
  }

  private create() {
    return editRole(undefined, (role) => routeTo({ view: 'roles', roleId: role.id }));
  }

  private edit(role: Role) {
    return editRole(role, () => this.roles.load());
  }

  private delete(role: Role) {
    return deleteRole(role, () => this.roles.load());
  }

  override render() {
    if (this.roleId) return html`<pg-role .roleId=${this.roleId}></pg-role>`;
    return section(
      {
        id: 'roles-heading',
        level: 1,
        heading: 'Roles',
        hint: 'A role grants API resources’ scopes to the users who hold it. Open one to choose its scopes.',
        actions: html`<button class="primary" @click=${this.create}>New role</button>`,
        loader: this.roles,
      },
      listOf(this.roles, 'roles', 'No roles yet. Create one with “New role”.', (roles) =>
        table(
          'Roles, newest first',
          ['Name', 'Description', 'Created'],
          roles.map(
            (role) =>
              html`<tr>
                <th scope="row" data-label="Name" class="name">
                  <a href=${hrefOf({ view: 'roles', roleId: role.id })}>${role.name}</a>
                </th>
                <td data-label="Description">${role.description}</td>
                <td data-label="Created">${timeOf(role.createdAt, formatDate(role.createdAt))}</td>
                <td class="row-actions">
                  ${rowButton('Edit', `Edit ${role.name}`, () => this.edit(role))}
                  ${rowButton('Delete', `Delete ${role.name}`, () => this.delete(role), 'danger-quiet')}
                </td>
              </tr>`,
          ),
        ),
      ),
    );
  }
}

@customElement('pg-role')
export class RoleView extends LightElement {
  /** From the route (`#/roles/{roleId}`). */
  @property({ attribute: false }) accessor roleId: string | undefined = undefined;
  private readonly page = new Loader(
    this,
    async () => {
      const id = this.roleId!;
      const [role, scopes] = await Promise.all([
        api.call('getRole', { params: { id } }),
        api.call('listRoleScopes', { params: { id } }),
      ]);
      return { role, scopes: [...scopes].sort(byResourceThenName) };
    },
    () => this.roleId,
  );

  private edit(role: Role) {
    return editRole(role, () => this.page.load());
  }

  private delete(role: Role) {
    return deleteRole(role, () => routeTo({ view: 'roles' }));
  }

  /** Picks an API resource, then one of its scopes the role doesn't grant yet. */
  private addScope(role: Role, held: readonly ScopeWithResource[]) {
    const added = choose({
      heading: `Add a scope to “${role.name}”`,
      groups: {
        label: 'API resource',
        choices: async () =>
          byName(await api.resources.list()).map((resource) => ({
            value: resource.id,
            label: `${resource.name} (${resource.indicator})`,
          })),
      },
      label: 'Scope',
      choices: async (id) =>
        choicesOf(
          await api.call('listResourceScopes', { params: { id } }),
          held.map((scope) => scope.id),
        ),
      empty: 'No scope to add: the role has them all, or there are none yet (add them on the API resource’s page).',
      submitLabel: 'Add scope',
      busyLabel: 'Adding…',
      action: (scopeId) => api.call('addRoleScopes', { params: { id: role.id }, body: { scopeIds: [scopeId] } }),
    });
    return whenDone(added, `Added a scope to “${role.name}”.`, () => this.page.load());
  }

  private removeScope(role: Role, scope: ScopeWithResource) {
    const removed = confirmAction({
      heading: `Remove “${scope.name}” from “${role.name}”?`,
      message: html`Users who hold the role no longer get <code class="mono">${scope.name}</code> on
        ${scope.resource.name} through it.`,
      confirmLabel: 'Remove scope',
      busyLabel: 'Removing…',
      action: () => api.call('deleteRoleScope', { params: { id: role.id, scopeId: scope.id } }),
    });
    return whenDone(removed, `Removed “${scope.name}” from “${role.name}”.`, () => this.page.load());
  }

  override render() {
    const id = this.roleId;
    if (!id) return nothing;
    const role = this.page.value?.role;
    return section(
      {
        id: 'role-heading',
        level: 1,
        above: backLink({ view: 'roles' }, 'All roles'),
        heading: html`<span class="muted">Role</span> <span class="break">${role?.name ?? id}</span>`,
        hint: role ? role.description : 'The scopes this role grants.',
        actions: role
          ? html`<button class="primary" @click=${() => this.addScope(role, this.page.value!.scopes)}>Add scope</button>
              <button class="secondary" @click=${() => this.edit(role)}>Edit</button>
              <button class="danger" @click=${() => this.delete(role)}>Delete role</button>`
          : undefined,
        loader: this.page,
      },
      listOf(
        { value: this.page.value?.scopes, loading: this.page.loading },
        'scopes',
        'This role grants no scopes yet. Add one with “Add scope”.',
        (scopes) =>
          table(
            `Scopes of ${role?.name ?? id}`,
            ['Scope', 'API resource', 'Description'],
            scopes.map(
              (scope) =>
                html`<tr>
                  <th scope="row" data-label="Scope" class="name mono">${scope.name}</th>
                  <td data-label="API resource">
                    <a href=${hrefOf({ view: 'resources', resourceId: scope.resourceId })}>${scope.resource.name}</a>
                    <code class="mono break muted small">${scope.resource.indicator}</code>
                  </td>
                  <td data-label="Description">${scope.description ?? ''}</td>
                  <td class="row-actions">
                    ${rowButton('Remove', `Remove ${scope.name}`, () => this.removeScope(role!, scope), 'danger-quiet')}
                  </td>
                </tr>`,
            ),
          ),
      ),
    );
  }
}

const byResourceThenName = (left: ScopeWithResource, right: ScopeWithResource) =>
  left.resource.name.localeCompare(right.resource.name) || left.name.localeCompare(right.name);
