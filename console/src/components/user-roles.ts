/** On a user's page: the roles they hold (the scopes their tokens may carry); assign and remove. */
import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type Role } from '../api';
import { byName, choicesOf } from '../lists';
import { hrefOf } from '../route';
import { LightElement, uniqueId } from './base';
import { choose, confirmAction } from './dialogs';
import { listOf, rowButton, section, table } from './fragments';
import { Loader } from './loader';
import { whenDone } from './notices';

@customElement('pg-user-roles')
export class UserRoles extends LightElement {
  @property({ attribute: false }) accessor userId: string | undefined = undefined;
  private readonly roles = new Loader(
    this,
    async () => byName(await api.call('listUserRoles', { params: { userId: this.userId! } })),
    () => this.userId,
  );
  private readonly headingId = uniqueId('user-roles-heading');

  private assign(userId: string, held: readonly Role[]) {
    let roles: readonly Role[] = [];
    const assigned = choose({
      heading: `Assign a role to ${userId}`,
      label: 'Role',
      choices: async () => {
        roles = await api.call('listRoles', {});
        return choicesOf(
          roles,
          held.map((role) => role.id),
        );
      },
      empty: `No role to assign: ${userId} holds them all, or there are none yet (create them under Roles).`,
      submitLabel: 'Assign role',
      busyLabel: 'Assigning…',
      action: (roleId) =>
        api
          .call('assignUserRoles', { params: { userId }, body: { roleIds: [roleId] } })
          .then(() => roles.find((role) => role.id === roleId)!),
    });
    return whenDone(
      assigned,
      (role) => `Assigned the role “${role.name}” to ${userId}.`,
      () => this.roles.load(),
    );
  }

  private unassign(userId: string, role: Role) {
    const removed = confirmAction({
      heading: `Remove the role “${role.name}” from ${userId}?`,
      message: 'Their next token exchange no longer carries the scopes it grants.',
      confirmLabel: 'Remove role',
      busyLabel: 'Removing…',
      action: () => api.call('removeUserRole', { params: { userId, roleId: role.id } }),
    });
    return whenDone(removed, `Removed the role “${role.name}” from ${userId}.`, () => this.roles.load());
  }

  override render() {
    const userId = this.userId;
    if (!userId) return nothing;
    return section(
      {
        id: this.headingId,
        level: 2,
        frame: 'part',
        heading: 'Roles',
        hint: 'The scopes of API resources their tokens may carry come from these roles.',
        actions: this.roles.value
          ? html`<button class="secondary" @click=${() => this.assign(userId, this.roles.value!)}>Assign role</button>`
          : undefined,
        loader: this.roles,
      },
      listOf(this.roles, 'roles', `${userId} holds no roles.`, (roles) =>
        table(
          `Roles of ${userId}`,
          ['Role', 'Description'],
          roles.map(
            (role) =>
              html`<tr>
                <th scope="row" data-label="Role" class="name">
                  <a href=${hrefOf({ view: 'roles', roleId: role.id })}>${role.name}</a>
                </th>
                <td data-label="Description">${role.description}</td>
                <td class="row-actions">
                  ${rowButton('Remove', `Remove the role ${role.name}`, () => this.unassign(userId, role), 'danger-quiet')}
                </td>
              </tr>`,
          ),
        ),
      ),
    );
  }
}
