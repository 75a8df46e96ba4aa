/** One organization: its members and their organization roles; add and remove both. */
import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type Organization, type OrganizationMember, type OrganizationRole } from '../api';
import { byName, choicesOf } from '../lists';
import { hrefOf } from '../route';
import { LightElement, routeTo } from './base';
import { askFields, choose, confirmAction } from './dialogs';
import { backLink, listOf, missing, removableChips, rowButton, section, table } from './fragments';
import { Loader } from './loader';
import { deleteNamed, editNamed, namedFields } from './named';
import { whenDone } from './notices';
import { USER_ID_PATTERN } from './users-view';

/** Creates an organization, or edits `organization`; then goes on with `then`. */
export const editOrganization = (organization: Organization | undefined, then: (saved: Organization) => unknown) =>
  editNamed({
    kind: 'organization',
    item: organization,
    fields: namedFields(organization),
    save: (body) =>
      organization
        ? api.call('updateOrganization', { params: { id: organization.id }, body })
        : api.call('createOrganization', { body }),
    then,
  });

export const deleteOrganization = (organization: Organization, then: () => unknown) =>
  deleteNamed({
    kind: 'organization',
    name: organization.name,
    message: 'Its memberships go with it: organization tokens for it are refused from now on. This cannot be undone.',
    action: () => api.call('deleteOrganization', { params: { id: organization.id } }),
    then,
  });

@customElement('pg-organization')
export class OrganizationView extends LightElement {
  /** From the route (`#/organizations/{organizationId}`). */
  @property({ attribute: false }) accessor organizationId: string | undefined = undefined;
  private readonly page = new Loader(
    this,
    async () => {
      const id = this.organizationId!;
      const [organization, members] = await Promise.all([
        api.call('getOrganization', { params: { id } }),
        api.call('listOrganizationUsers', { params: { id } }),
      ]);
      return { organization, members: [...members].sort((left, right) => left.id.localeCompare(right.id)) };
    },
    () => this.organizationId,
  );

  private edit(organization: Organization) {
    return editOrganization(organization, () => this.page.load());
  }

  private delete(organization: Organization) {
    return deleteOrganization(organization, () => routeTo({ view: 'organizations' }));
  }

  private addMember(organization: Organization) {
    const added = askFields({
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
    return whenDone(
      added,
      (userId) => `Added ${userId} to “${organization.name}”.`,
      () => this.page.load(),
    );
  }

  private removeMember(organization: Organization, member: OrganizationMember) {
    const removed = confirmAction({
      heading: `Remove ${member.id} from “${organization.name}”?`,
      message: 'Their organization roles here go too; their next exchange for this organization is refused.',
      confirmLabel: 'Remove member',
      busyLabel: 'Removing…',
      action: () => api.call('removeOrganizationUser', { params: { id: organization.id, userId: member.id } }),
    });
    return whenDone(removed, `Removed ${member.id} from “${organization.name}”.`, () => this.page.load());
  }

  private assignRole(organization: Organization, member: OrganizationMember) {
    let roles: readonly OrganizationRole[] = [];
    const assigned = choose({
      heading: `Give ${member.id} an organization role`,
      label: 'Organization role',
      choices: async () => {
        roles = await api.call('listOrganizationRoles', {});
        return choicesOf(
          roles,
          member.organizationRoles.map((role) => role.id),
        );
      },
      empty: `No organization role to give: ${member.id} holds them all, or there are none yet.`,
      submitLabel: 'Assign role',
      busyLabel: 'Assigning…',
      action: (roleId) =>
        api
          .call('assignMemberRoles', {
            params: { id: organization.id, userId: member.id },
            body: { organizationRoleIds: [roleId] },
          })
          .then(() => roles.find((role) => role.id === roleId)!),
    });
    return whenDone(
      assigned,
      (role) => `Gave ${member.id} the organization role “${role.name}”.`,
      () => this.page.load(),
    );
  }

  private removeRole(organization: Organization, member: OrganizationMember, role: { id: string; name: string }) {
    const removed = confirmAction({
      heading: `Remove the organization role “${role.name}” from ${member.id}?`,
      message: 'Their next exchange for this organization no longer carries the scopes it grants.',
      confirmLabel: 'Remove role',
      busyLabel: 'Removing…',
      action: () =>
        api.call('removeMemberRole', {
          params: { id: organization.id, userId: member.id, organizationRoleId: role.id },
        }),
    });
    return whenDone(removed, `Removed the organization role “${role.name}” from ${member.id}.`, () => this.page.load());
  }

  override render() {
    const id = this.organizationId;
    if (!id) return nothing;
    const organization = this.page.value?.organization;
    return section(
      {
        id: 'organization-heading',
        level: 1,
        above: backLink({ view: 'organizations' }, 'All organizations'),
        heading: html`<span class="muted">Organization</span> <span class="break">${organization?.name ?? id}</span>`,
        hint: html`${organization?.description ? html`${organization.description} · ` : nothing}Id
          <code class="mono">${id}</code>: members exchange PATs with <code>organization_id</code> set to it.`,
        actions: organization
          ? html`<button class="primary" @click=${() => this.addMember(organization)}>Add member</button>
              <button class="secondary" @click=${() => this.edit(organization)}>Edit</button>
              <button class="danger" @click=${() => this.delete(organization)}>Delete organization</button>`
          : undefined,
        loader: this.page,
      },
      listOf(
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
      ),
    );
  }
}
