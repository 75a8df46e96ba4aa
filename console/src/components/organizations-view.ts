/**
 * Organizations (Logto's): the list, and the template every organization shares — organization roles and the
 * organization scopes they grant. An organization's page (`#/organizations/{id}`, organization-view.ts) holds
 * its members and their organization roles.
 */
import { html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type Organization, type OrganizationRole, type OrganizationScope } from '../api';
import { formatDate } from '../format';
import { byName, choicesOf, newestFirst } from '../lists';
import { hrefOf } from '../route';
import { LightElement, routeTo } from './base';
import { choose, confirmAction } from './dialogs';
import { listOf, missing, removableChips, rowButton, section, table, timeOf } from './fragments';
import { Loader } from './loader';
import { deleteNamed, editNamed, namedFields, scopeFields } from './named';
import { whenDone } from './notices';
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

  private create() {
    return editOrganization(undefined, (created) => routeTo({ view: 'organizations', organizationId: created.id }));
  }

  private edit(organization: Organization) {
    return editOrganization(organization, () => this.organizations.load());
  }

  private delete(organization: Organization) {
    return deleteOrganization(organization, () => this.organizations.load());
  }

  /** Creates an organization role, or edits `role`. */
  private editRole(role?: OrganizationRole) {
    return editNamed({
      kind: 'organization role',
      item: role,
      fields: namedFields(role),
      save: (body) =>
        role
          ? api.call('updateOrganizationRole', { params: { id: role.id }, body })
          : api.call('createOrganizationRole', { body }),
      then: () => this.template.load(),
    });
  }

  private deleteRole(role: OrganizationRole) {
    return deleteNamed({
      kind: 'organization role',
      name: role.name,
      message: 'Members who hold it lose the organization scopes it grants. This cannot be undone.',
      action: () => api.call('deleteOrganizationRole', { params: { id: role.id } }),
      then: () => this.template.load(),
    });
  }

  private addRoleScope(role: RoleWithScopes, scopes: readonly OrganizationScope[]) {
    const added = choose({
      heading: `Add an organization scope to “${role.name}”`,
      label: 'Organization scope',
      choices: async () =>
        choicesOf(
          scopes,
          role.scopes.map((scope) => scope.id),
        ),
      empty: `No organization scope to add: “${role.name}” grants them all, or there are none yet.`,
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
    return whenDone(added, `Added a scope to “${role.name}”.`, () => this.template.load());
  }

  private removeRoleScope(role: OrganizationRole, scope: OrganizationScope) {
    const removed = confirmAction({
      heading: `Remove “${scope.name}” from “${role.name}”?`,
      message: 'Members who hold the role no longer get this organization scope through it.',
      confirmLabel: 'Remove scope',
      busyLabel: 'Removing…',
      action: () => api.call('removeOrganizationRoleScope', { params: { id: role.id, organizationScopeId: scope.id } }),
    });
    return whenDone(removed, `Removed “${scope.name}” from “${role.name}”.`, () => this.template.load());
  }

  /** Creates an organization scope, or edits `scope`. */
  private editScope(scope?: OrganizationScope) {
    return editNamed({
      kind: 'organization scope',
      item: scope,
      fields: scopeFields(scope),
      save: (body) =>
        scope
          ? api.call('updateOrganizationScope', { params: { id: scope.id }, body })
          : api.call('createOrganizationScope', { body }),
      then: () => this.template.load(),
    });
  }

  private deleteScope(scope: OrganizationScope) {
    return deleteNamed({
      kind: 'organization scope',
      name: scope.name,
      message: 'Organization roles that grant it grant it no more. This cannot be undone.',
      action: () => api.call('deleteOrganizationScope', { params: { id: scope.id } }),
      then: () => this.template.load(),
    });
  }

  override render() {
    if (this.organizationId) {
      return html`<pg-organization .organizationId=${this.organizationId}></pg-organization>`;
    }
    const template = this.template.value;
    return html`${section(
      {
        id: 'organizations-heading',
        level: 1,
        heading: 'Organizations',
        hint: 'Members exchange tokens for an organization (organization_id) with the scopes of their organization roles.',
        actions: html`<button class="primary" @click=${this.create}>New organization</button>`,
        loader: this.organizations,
      },
      listOf(this.organizations, 'organizations', 'No organizations yet.', (organizations) =>
        table(
          'Organizations, newest first',
          ['Name', 'Description', 'Created'],
          organizations.map(
            (organization) =>
              html`<tr>
                <th scope="row" data-label="Name" class="name">
                  <a href=${hrefOf({ view: 'organizations', organizationId: organization.id })}>${organization.name}</a>
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
      ),
    )}
    ${section(
      {
        id: 'organization-roles-heading',
        level: 2,
        heading: 'Organization roles',
        hint: 'The same in every organization; each grants organization scopes to the members who hold it.',
        actions: html`<button class="secondary" @click=${() => this.editRole()}>New organization role</button>`,
        loader: this.template,
      },
      listOf({ value: template?.roles, loading: this.template.loading }, 'organization roles', 'None yet.', (roles) =>
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
      ),
    )}
    ${section(
      {
        id: 'organization-scopes-heading',
        level: 2,
        heading: 'Organization scopes',
        hint: 'What organization tokens may carry, through organization roles.',
        actions: html`<button class="secondary" @click=${() => this.editScope()}>New organization scope</button>`,
        // Its error shows once, above.
        loader: { loading: this.template.loading, error: undefined },
      },
      listOf(
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
      ),
    )}`;
  }
}
