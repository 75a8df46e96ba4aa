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
import { askFields, choose, confirmAction } from './dialogs';
import { namedFields } from './fields';
import { listOf, panelHeader, rowButton, table, timeOf } from './fragments';
import { Loader } from './loader';
import { notify } from './notices';

const roleFields = (role?: Role) => namedFields(role, { descriptionRequired: true });

/** Asks before deleting a role; resolves true once it is deleted. */
const deleteRole = (role: Role) =>
  confirmAction({
    heading: `Delete the role “${role.name}”?`,
    message: 'Its users lose the scopes it grants: their tokens stop carrying them. This cannot be undone.',
    confirmLabel: 'Delete role',
    busyLabel: 'Deleting…',
    action: () => api.call('deleteRole', { params: { id: role.id } }),
  });

/** Asks for a role's new name and description; resolves with the role saved. */
const editRole = (role: Role) =>
  askFields({
    heading: `Edit the role “${role.name}”`,
    fields: roleFields(role),
    submitLabel: 'Save role',
    action: (body) => api.call('updateRole', { params: { id: role.id }, body }),
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

  private async create() {
    const created = await askFields({
      heading: 'New role',
      fields: roleFields(),
      submitLabel: 'Create role',
      busyLabel: 'Creating…',
      action: ({ name, description }) => api.call('createRole', { body: { name: name!, description: description! } }),
    });
    if (!created) return;
    notify(`Created the role “${created.name}”.`);
    routeTo({ view: 'roles', roleId: created.id });
  }

  private async edit(role: Role) {
    const updated = await editRole(role);
    if (!updated) return;
    notify(`Saved the role “${updated.name}”.`);
    await this.roles.load();
  }

  private async delete(role: Role) {
    if (!(await deleteRole(role))) return;
    notify(`Deleted the role “${role.name}”.`);
    await this.roles.load();
  }

  override render() {
    if (this.roleId) return html`<pg-role .roleId=${this.roleId}></pg-role>`;
    return html`<section
      class="panel"
      aria-labelledby="roles-heading"
      aria-busy=${this.roles.loading ? 'true' : 'false'}
    >
      ${panelHeader(
        html`<h1 id="roles-heading">Roles</h1>`,
        'A role grants API resources’ scopes to the users who hold it. Open one to choose its scopes.',
        html`<button class="primary" @click=${this.create}>New role</button>`,
      )}
      <pg-error .error=${this.roles.error}></pg-error>
      ${listOf(this.roles, 'roles', 'No roles yet. Create one with “New role”.', (roles) =>
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
      )}
    </section>`;
  }
}

@customElement('pg-role')
export class RoleView extends LightElement {
  /** From the route (`#/roles/{roleId}`). */
  @property({ attribute: false }) accessor roleId: string | undefined = undefined;
  private readonly page = new Loader(this, async () => {
    const id = this.roleId!;
    const [role, scopes] = await Promise.all([
      api.call('getRole', { params: { id } }),
      api.call('listRoleScopes', { params: { id } }),
    ]);
    return { role, scopes: [...scopes].sort(byResourceThenName) };
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('roleId')) {
      this.page.clear();
      if (this.roleId) void this.page.load();
    }
  }

  private async edit(role: Role) {
    const updated = await editRole(role);
    if (!updated) return;
    notify(`Saved the role “${updated.name}”.`);
    await this.page.load();
  }

  private async delete(role: Role) {
    if (!(await deleteRole(role))) return;
    notify(`Deleted the role “${role.name}”.`);
    routeTo({ view: 'roles' });
  }

  /** Picks an API resource, then one of its scopes the role doesn't grant yet. */
  private async addScope(role: Role, held: readonly ScopeWithResource[]) {
    let resources;
    try {
      resources = byName(await api.resources.list());
    } catch (error) {
      this.page.error = error;
      return this.requestUpdate();
    }
    const added = await choose({
      heading: `Add a scope to “${role.name}”`,
      label: 'Scope',
      choices: {
        groupLabel: 'API resource',
        groups: resources.map((resource) => ({
          value: resource.id,
          label: `${resource.name} (${resource.indicator})`,
        })),
        choicesOf: async (id) =>
          choicesOf(
            await api.call('listResourceScopes', { params: { id } }),
            held.map((scope) => scope.id),
          ),
      },
      empty: resources.length === 0 ? 'No API resources yet: create one, with scopes, first.' : 'No scope to add here.',
      submitLabel: 'Add scope',
      busyLabel: 'Adding…',
      action: (scopeId) => api.call('addRoleScopes', { params: { id: role.id }, body: { scopeIds: [scopeId] } }),
    });
    if (!added) return;
    notify(`Added a scope to “${role.name}”.`);
    await this.page.load();
  }

  private async removeScope(role: Role, scope: ScopeWithResource) {
    const removed = await confirmAction({
      heading: `Remove “${scope.name}” from “${role.name}”?`,
      message: html`Users who hold the role no longer get <code class="mono">${scope.name}</code> on
        ${scope.resource.name} through it.`,
      confirmLabel: 'Remove scope',
      busyLabel: 'Removing…',
      action: () => api.call('deleteRoleScope', { params: { id: role.id, scopeId: scope.id } }),
    });
    if (!removed) return;
    notify(`Removed “${scope.name}” from “${role.name}”.`);
    await this.page.load();
  }

  override render() {
    const id = this.roleId;
    if (!id) return nothing;
    const role = this.page.value?.role;
    return html`<section class="panel" aria-labelledby="role-heading" aria-busy=${this.page.loading ? 'true' : 'false'}>
      <p class="small"><a class="back-link" href=${hrefOf({ view: 'roles' })}>← All roles</a></p>
      ${panelHeader(
        html`<h1 id="role-heading"><span class="muted">Role</span> <span class="break">${role?.name ?? id}</span></h1>`,
        role ? role.description : 'The scopes this role grants.',
        role
          ? html`<button class="primary" @click=${() => this.addScope(role, this.page.value!.scopes)}>Add scope</button>
              <button class="secondary" @click=${() => this.edit(role)}>Edit</button>
              <button class="danger" @click=${() => this.delete(role)}>Delete role</button>`
          : undefined,
      )}
      <pg-error .error=${this.page.error}></pg-error>
      ${listOf(
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
      )}
    </section>`;
  }
}

const byResourceThenName = (left: ScopeWithResource, right: ScopeWithResource) =>
  left.resource.name.localeCompare(right.resource.name) || left.name.localeCompare(right.name);
