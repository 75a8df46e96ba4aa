/** On a user's page: the roles they hold (the scopes their tokens may carry); assign and remove. */
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type Role } from '../api';
import { byName, choicesOf } from '../lists';
import { hrefOf } from '../route';
import { LightElement, uniqueId } from './base';
import { choose, confirmAction } from './dialogs';
import { listOf, panelHeader, rowButton, table } from './fragments';
import { Loader } from './loader';
import { notify } from './notices';

@customElement('pg-user-roles')
export class UserRoles extends LightElement {
  @property({ attribute: false }) accessor userId: string | undefined = undefined;
  private readonly roles = new Loader(this, async () =>
    byName(await api.call('listUserRoles', { params: { userId: this.userId! } })),
  );
  private readonly headingId = uniqueId('user-roles-heading');

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('userId')) {
      this.roles.clear();
      if (this.userId) void this.roles.load();
    }
  }

  private async assign(userId: string, held: readonly Role[]) {
    let roles: Role[];
    try {
      roles = await api.call('listRoles', {});
    } catch (error) {
      this.roles.error = error;
      return this.requestUpdate();
    }
    const assigned = await choose({
      heading: `Assign a role to ${userId}`,
      label: 'Role',
      choices: choicesOf(
        roles,
        held.map((role) => role.id),
      ),
      empty: roles.length === 0 ? 'No roles yet: create one in Roles first.' : `${userId} holds every role.`,
      submitLabel: 'Assign role',
      busyLabel: 'Assigning…',
      action: (roleId) => api.call('assignUserRoles', { params: { userId }, body: { roleIds: [roleId] } }),
    });
    if (!assigned) return;
    notify(`Assigned the role to ${userId}.`);
    await this.roles.load();
  }

  private async unassign(userId: string, role: Role) {
    const removed = await confirmAction({
      heading: `Remove the role “${role.name}” from ${userId}?`,
      message: 'Their next token exchange no longer carries the scopes it grants.',
      confirmLabel: 'Remove role',
      busyLabel: 'Removing…',
      action: () => api.call('removeUserRole', { params: { userId, roleId: role.id } }),
    });
    if (!removed) return;
    notify(`Removed the role “${role.name}” from ${userId}.`);
    await this.roles.load();
  }

  override render() {
    const userId = this.userId;
    if (!userId) return nothing;
    return html`<section
      class="user-section"
      aria-labelledby=${this.headingId}
      aria-busy=${this.roles.loading ? 'true' : 'false'}
    >
      ${panelHeader(
        html`<h2 id=${this.headingId}>Roles</h2>`,
        'The scopes of API resources their tokens may carry come from these roles.',
        this.roles.value
          ? html`<button class="secondary" @click=${() => this.assign(userId, this.roles.value!)}>Assign role</button>`
          : undefined,
      )}
      <pg-error .error=${this.roles.error}></pg-error>
      ${listOf(this.roles, 'roles', `${userId} holds no roles.`, (roles) =>
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
      )}
    </section>`;
  }
}
