/**
 * Organizations (Logto's): the list, and the template every organization shares — organization roles and the
 * organization scopes they grant. An organization's page (`#/organizations/{id}`, organization-view.ts) holds
 * its members and their organization roles.
 */
import { html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type Organization, type OrganizationRole, type OrganizationScope } from '../api';
import { formatDate } from '../format';
import { byName, choicesOf, newestFirst, optionalText } from '../lists';
import { hrefOf } from '../route';
import { LightElement, routeTo } from './base';
import { askFields, choose, confirmAction } from './dialogs';
import { namedFields, scopeFields } from './fields';
import { listOf, missing, panelHeader, removableChips, rowButton, table, timeOf } from './fragments';
import { Loader } from './loader';
import { notify } from './notices';
import { deleteOrganization, editOrganization } from './organization-view';

type RoleWithScopes = OrganizationRole & { scopes: OrganizationScope[] };

@customElement('pg-organizations')
export class OrganizationsView extends LightElement {
  /** From the route (`#/organizations/{organizationId}`): that organization's page instead of the list. */
  @property({ attribute: false }) accessor organizationId: string | undefined = undefined;
  /** Loads (again) whenever the list is shown. */
  @property({ type: Boolean }) accessor active = false;
  private readonly organizations = new Loader(this, async () => newestFirst(await api.call('listOrganizations', {})));
  private readonly template = new Loader(this, async () => {
    const [roles, scopes] = await Promise.all([
      api.call('listOrganizationRoles', {}),
      api.call('listOrganizationScopes', {}),
    ]);
    // One request a role: the API lists a role's scopes on their own.
    const withScopes: RoleWithScopes[] = await Promise.all(
      byName(roles).map(async (role) => ({
        ...role,
        scopes: byName(await api.call('listOrganizationRoleScopes', { params: { id: role.id } })),
      })),
    );
    return { roles: withScopes, scopes: byName(scopes) };
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('active') || changed.has('organizationId')) && this.active && !this.organizationId) {
      void this.organizations.load();
      void this.template.load();
    }
  }

  private async create() {
    const created = await editOrganization();
    if (!created) return;
    notify(`Created the organization “${created.name}”.`);
    routeTo({ view: 'organizations', organizationId: created.id });
  }

  private async edit(organization: Organization) {
    const updated = await editOrganization(organization);
    if (!updated) return;
    notify(`Saved the organization “${updated.name}”.`);
    await this.organizations.load();
  }

  private async delete(organization: Organization) {
    if (!(await deleteOrganization(organization))) return;
    notify(`Deleted the organization “${organization.name}”.`);
    await this.organizations.load();
  }

  private async editRole(role?: OrganizationRole) {
    const saved = await askFields({
      heading: role ? `Edit the organization role “${role.name}”` : 'New organization role',
      fields: namedFields(role),
      submitLabel: role ? 'Save organization role' : 'Create organization role',
      busyLabel: role ? 'Saving…' : 'Creating…',
      action: ({ name, description }) => {
        const body = { name: name!, description: optionalText(description!) };
        return role
          ? api.call('updateOrganizationRole', { params: { id: role.id }, body })
          : api.call('createOrganizationRole', { body });
      },
    });
    if (!saved) return;
    notify(role ? `Saved the organization role “${saved.name}”.` : `Created the organization role “${saved.name}”.`);
    await this.template.load();
  }

  private async deleteRole(role: OrganizationRole) {
    const deleted = await confirmAction({
      heading: `Delete the organization role “${role.name}”?`,
      message: 'Members who hold it lose the organization scopes it grants. This cannot be undone.',
      confirmLabel: 'Delete organization role',
      busyLabel: 'Deleting…',
      action: () => api.call('deleteOrganizationRole', { params: { id: role.id } }),
    });
    if (!deleted) return;
    notify(`Deleted the organization role “${role.name}”.`);
    await this.template.load();
  }

  private async addRoleScope(role: RoleWithScopes, scopes: readonly OrganizationScope[]) {
    const added = await choose({
      heading: `Add an organization scope to “${role.name}”`,
      label: 'Organization scope',
      choices: choicesOf(
        scopes,
        role.scopes.map((scope) => scope.id),
      ),
      empty:
        scopes.length === 0 ? 'No organization scopes yet: create one first.' : `“${role.name}” grants every scope.`,
      submitLabel: 'Add scope',
      busyLabel: 'Adding…',
      action: async (scopeId) => {
        await api.call('addOrganizationRoleScopes', {
          params: { id: role.id },
          body: { organizationScopeIds: [scopeId] },
        });
        return true;
      },
    });
    if (!added) return;
    notify(`Added a scope to “${role.name}”.`);
    await this.template.load();
  }

  private async removeRoleScope(role: OrganizationRole, scope: OrganizationScope) {
    const removed = await confirmAction({
      heading: `Remove “${scope.name}” from “${role.name}”?`,
      message: 'Members who hold the role no longer get this organization scope through it.',
      confirmLabel: 'Remove scope',
      busyLabel: 'Removing…',
      action: () => api.call('removeOrganizationRoleScope', { params: { id: role.id, organizationScopeId: scope.id } }),
    });
    if (!removed) return;
    notify(`Removed “${scope.name}” from “${role.name}”.`);
    await this.template.load();
  }

  private async editScope(scope?: OrganizationScope) {
    const saved = await askFields({
      heading: scope ? `Edit the organization scope “${scope.name}”` : 'New organization scope',
      fields: scopeFields(scope),
      submitLabel: scope ? 'Save organization scope' : 'Create organization scope',
      busyLabel: scope ? 'Saving…' : 'Creating…',
      action: ({ name, description }) => {
        const body = { name: name!, description: optionalText(description!) };
        return scope
          ? api.call('updateOrganizationScope', { params: { id: scope.id }, body })
          : api.call('createOrganizationScope', { body });
      },
    });
    if (!saved) return;
    notify(scope ? `Saved the organization scope “${saved.name}”.` : `Created the organization scope “${saved.name}”.`);
    await this.template.load();
  }

  private async deleteScope(scope: OrganizationScope) {
    const deleted = await confirmAction({
      heading: `Delete the organization scope “${scope.name}”?`,
      message: 'Organization roles that grant it grant it no more. This cannot be undone.',
      confirmLabel: 'Delete organization scope',
      busyLabel: 'Deleting…',
      action: () => api.call('deleteOrganizationScope', { params: { id: scope.id } }),
    });
    if (!deleted) return;
    notify(`Deleted the organization scope “${scope.name}”.`);
    await this.template.load();
  }

  override render() {
    if (this.organizationId) {
      return html`<pg-organization .organizationId=${this.organizationId}></pg-organization>`;
    }
    const template = this.template.value;
    return html`<section
        class="panel"
        aria-labelledby="organizations-heading"
        aria-busy=${this.organizations.loading ? 'true' : 'false'}
      >
        ${panelHeader(
          html`<h1 id="organizations-heading">Organizations</h1>`,
          'Members exchange tokens for an organization (organization_id) with the scopes of their organization roles.',
          html`<button class="primary" @click=${this.create}>New organization</button>`,
        )}
        <pg-error .error=${this.organizations.error}></pg-error>
        ${listOf(this.organizations, 'organizations', 'No organizations yet.', (organizations) =>
          table(
            'Organizations, newest first',
            ['Name', 'Description', 'Created'],
            organizations.map(
              (organization) =>
                html`<tr>
                  <th scope="row" data-label="Name" class="name">
                    <a href=${hrefOf({ view: 'organizations', organizationId: organization.id })}
                      >${organization.name}</a
                    >
                  </th>
                  <td data-label="Description">${organization.description ?? missing}</td>
                  <td data-label="Created">${timeOf(organization.createdAt, formatDate(organization.createdAt))}</td>
                  <td class="row-actions">
                    ${rowButton('Edit', `Edit ${organization.name}`, () => this.edit(organization))}
                    ${rowButton('Delete', `Delete ${organization.name}`, () => this.delete(organization), 'danger-quiet')}
                  </td>
                </tr>`,
            ),
          ),
        )}
      </section>
      <section
        class="panel"
        aria-labelledby="organization-roles-heading"
        aria-busy=${this.template.loading ? 'true' : 'false'}
      >
        ${panelHeader(
          html`<h2 id="organization-roles-heading">Organization roles</h2>`,
          'The same in every organization; each grants organization scopes to the members who hold it.',
          html`<button class="secondary" @click=${() => this.editRole()}>New organization role</button>`,
        )}
        <pg-error .error=${this.template.error}></pg-error>
        ${listOf(
          { value: template?.roles, loading: this.template.loading },
          'organization roles',
          'None yet.',
          (roles) =>
            table(
              'Organization roles',
              ['Name', 'Description', 'Organization scopes'],
              roles.map(
                (role) =>
                  html`<tr>
                    <th scope="row" data-label="Name" class="name">${role.name}</th>
                    <td data-label="Description">${role.description ?? missing}</td>
                    <td data-label="Organization scopes">
                      ${removableChips(role.scopes, role.name, (scope) => this.removeRoleScope(role, scope))}
                    </td>
                    <td class="row-actions">
                      ${rowButton('Add scope', `Add a scope to ${role.name}`, () =>
                        this.addRoleScope(role, template!.scopes),
                      )}
                      ${rowButton('Edit', `Edit ${role.name}`, () => this.editRole(role))}
                      ${rowButton('Delete', `Delete ${role.name}`, () => this.deleteRole(role), 'danger-quiet')}
                    </td>
                  </tr>`,
              ),
            ),
        )}
      </section>
      <section
        class="panel"
        aria-labelledby="organization-scopes-heading"
        aria-busy=${this.template.loading ? 'true' : 'false'}
      >
        ${panelHeader(
          html`<h2 id="organization-scopes-heading">Organization scopes</h2>`,
          'What organization tokens may carry, through organization roles.',
          html`<button class="secondary" @click=${() => this.editScope()}>New organization scope</button>`,
        )}
        ${listOf(
          { value: template?.scopes, loading: this.template.loading },
          'organization scopes',
          'None yet.',
          (scopes) =>
            table(
              'Organization scopes',
              ['Name', 'Description'],
              scopes.map(
                (scope) =>
                  html`<tr>
                    <th scope="row" data-label="Name" class="name mono">${scope.name}</th>
                    <td data-label="Description">${scope.description ?? missing}</td>
                    <td class="row-actions">
                      ${rowButton('Edit', `Edit ${scope.name}`, () => this.editScope(scope))}
                      ${rowButton('Delete', `Delete ${scope.name}`, () => this.deleteScope(scope), 'danger-quiet')}
                    </td>
                  </tr>`,
              ),
            ),
        )}
      </section>`;
  }
}
