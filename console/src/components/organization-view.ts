/** One organization: its members and their organization roles; add and remove both. */
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type Organization, type OrganizationMember, type OrganizationRole } from '../api';
import { byName, choicesOf, optionalText } from '../lists';
import { hrefOf } from '../route';
import { LightElement, routeTo } from './base';
import { askFields, choose, confirmAction } from './dialogs';
import { listOf, missing, panelHeader, removableChips, rowButton, table } from './fragments';
import { Loader } from './loader';
import { notify } from './notices';
import { namedFields } from './fields';
import { USER_ID_PATTERN } from './users-view';

/** Asks for an organization's name and description, and saves it (a new one without `organization`). */
export const editOrganization = (organization?: Organization) =>
  askFields({
    heading: organization ? `Edit “${organization.name}”` : 'New organization',
    fields: namedFields(organization),
    submitLabel: organization ? 'Save organization' : 'Create organization',
    busyLabel: organization ? 'Saving…' : 'Creating…',
    action: ({ name, description }) => {
      const body = { name: name!, description: optionalText(description!) };
      return organization
        ? api.call('updateOrganization', { params: { id: organization.id }, body })
        : api.call('createOrganization', { body });
    },
  });

/** Asks before deleting an organization; resolves true once it is deleted. */
export const deleteOrganization = (organization: Organization) =>
  confirmAction({
    heading: `Delete the organization “${organization.name}”?`,
    message: 'Its memberships go with it: organization tokens for it are refused from now on. This cannot be undone.',
    confirmLabel: 'Delete organization',
    busyLabel: 'Deleting…',
    action: () => api.call('deleteOrganization', { params: { id: organization.id } }),
  });

@customElement('pg-organization')
export class OrganizationView extends LightElement {
  /** From the route (`#/organizations/{organizationId}`). */
  @property({ attribute: false }) accessor organizationId: string | undefined = undefined;
  private readonly page = new Loader(this, async () => {
    const id = this.organizationId!;
    const [organization, members] = await Promise.all([
      api.call('getOrganization', { params: { id } }),
      api.call('listOrganizationUsers', { params: { id } }),
    ]);
    return { organization, members: [...members].sort((left, right) => left.id.localeCompare(right.id)) };
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('organizationId')) {
      this.page.clear();
      if (this.organizationId) void this.page.load();
    }
  }

  private async edit(organization: Organization) {
    const updated = await editOrganization(organization);
    if (!updated) return;
    notify(`Saved the organization “${updated.name}”.`);
    await this.page.load();
  }

  private async delete(organization: Organization) {
    if (!(await deleteOrganization(organization))) return;
    notify(`Deleted the organization “${organization.name}”.`);
    routeTo({ view: 'organizations' });
  }

  private async addMember(organization: Organization) {
    const added = await askFields({
      heading: `Add a member to “${organization.name}”`,
      fields: [
        {
          name: 'userId',
          label: 'User id',
          code: true,
          pattern: USER_ID_PATTERN,
          title: 'A registered user’s id',
          hint: 'A registered user. Give them organization roles next.',
        },
      ],
      submitLabel: 'Add member',
      busyLabel: 'Adding…',
      action: async ({ userId }) => {
        await api.call('addOrganizationUsers', { params: { id: organization.id }, body: { userIds: [userId!] } });
        return userId!;
      },
    });
    if (!added) return;
    notify(`Added ${added} to “${organization.name}”.`);
    await this.page.load();
  }

  private async removeMember(organization: Organization, member: OrganizationMember) {
    const removed = await confirmAction({
      heading: `Remove ${member.id} from “${organization.name}”?`,
      message: 'Their organization roles here go too; their next exchange for this organization is refused.',
      confirmLabel: 'Remove member',
      busyLabel: 'Removing…',
      action: () => api.call('removeOrganizationUser', { params: { id: organization.id, userId: member.id } }),
    });
    if (!removed) return;
    notify(`Removed ${member.id} from “${organization.name}”.`);
    await this.page.load();
  }

  private async assignRole(organization: Organization, member: OrganizationMember) {
    let roles: OrganizationRole[];
    try {
      roles = await api.call('listOrganizationRoles', {});
    } catch (error) {
      this.page.error = error;
      return this.requestUpdate();
    }
    const assigned = await choose({
      heading: `Give ${member.id} an organization role`,
      label: 'Organization role',
      choices: choicesOf(
        roles,
        member.organizationRoles.map((role) => role.id),
      ),
      empty:
        roles.length === 0
          ? 'No organization roles yet: create one under Organizations first.'
          : `${member.id} holds every organization role.`,
      submitLabel: 'Assign role',
      busyLabel: 'Assigning…',
      action: (roleId) =>
        api.call('assignMemberRoles', {
          params: { id: organization.id, userId: member.id },
          body: { organizationRoleIds: [roleId] },
        }),
    });
    if (!assigned) return;
    notify(`Gave ${member.id} an organization role.`);
    await this.page.load();
  }

  private async removeRole(organization: Organization, member: OrganizationMember, role: { id: string; name: string }) {
    const removed = await confirmAction({
      heading: `Remove the organization role “${role.name}” from ${member.id}?`,
      message: 'Their next exchange for this organization no longer carries the scopes it grants.',
      confirmLabel: 'Remove role',
      busyLabel: 'Removing…',
      action: () =>
        api.call('removeMemberRole', {
          params: { id: organization.id, userId: member.id, organizationRoleId: role.id },
        }),
    });
    if (!removed) return;
    notify(`Removed the organization role “${role.name}” from ${member.id}.`);
    await this.page.load();
  }

  override render() {
    const id = this.organizationId;
    if (!id) return nothing;
    const organization = this.page.value?.organization;
    return html`<section
      class="panel"
      aria-labelledby="organization-heading"
      aria-busy=${this.page.loading ? 'true' : 'false'}
    >
      <p class="small"><a class="back-link" href=${hrefOf({ view: 'organizations' })}>← All organizations</a></p>
      ${panelHeader(
        html`<h1 id="organization-heading">
          <span class="muted">Organization</span> <span class="break">${organization?.name ?? id}</span>
        </h1>`,
        html`${organization?.description ? html`${organization.description} · ` : nothing}Id
          <code class="mono">${id}</code>: members exchange PATs with <code>organization_id</code> set to it.`,
        organization
          ? html`<button class="primary" @click=${() => this.addMember(organization)}>Add member</button>
              <button class="secondary" @click=${() => this.edit(organization)}>Edit</button>
              <button class="danger" @click=${() => this.delete(organization)}>Delete organization</button>`
          : undefined,
      )}
      <pg-error .error=${this.page.error}></pg-error>
      ${listOf(
        { value: this.page.value?.members, loading: this.page.loading },
        'members',
        'No members yet. Add one with “Add member”.',
        (members) =>
          table(
            `Members of ${organization?.name ?? id}`,
            ['User id', 'Name', 'Email', 'Organization roles'],
            members.map(
              (member) =>
                html`<tr>
                  <th scope="row" data-label="User id" class="name">
                    <a class="mono" href=${hrefOf({ view: 'users', userId: member.id })}>${member.id}</a>
                  </th>
                  <td data-label="Name">${member.name ?? missing}</td>
                  <td data-label="Email" class="break">${member.primaryEmail ?? missing}</td>
                  <td data-label="Organization roles">
                    ${removableChips(byName(member.organizationRoles), member.id, (role) =>
                      this.removeRole(organization!, member, role),
                    )}
                  </td>
                  <td class="row-actions">
                    ${rowButton('Assign role', `Assign an organization role to ${member.id}`, () =>
                      this.assignRole(organization!, member),
                    )}
                    ${rowButton('Remove', `Remove ${member.id}`, () => this.removeMember(organization!, member), 'danger-quiet')}
                  </td>
                </tr>`,
            ),
          ),
      )}
    </section>`;
  }
}
