/** On a user's page: the organizations they are a member of, with their organization roles in each. */
import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api } from '../api';
import { byName } from '../lists';
import { hrefOf } from '../route';
import { LightElement, uniqueId } from './base';
import { chipList, listOf, missing, section, table } from './fragments';
import { Loader } from './loader';

@customElement('pg-user-organizations')
export class UserOrganizations extends LightElement {
  @property({ attribute: false }) accessor userId: string | undefined = undefined;
  private readonly organizations = new Loader(
    this,
    async () => byName(await api.call('listUserOrganizations', { params: { userId: this.userId! } })),
    () => this.userId,
  );
  private readonly headingId = uniqueId('user-organizations-heading');

  override render() {
    const userId = this.userId;
    if (!userId) return nothing;
    return section(
      {
        id: this.headingId,
        level: 2,
        frame: 'part',
        heading: 'Organizations',
        hint: 'Organizations they are a member of; members and their organization roles are managed on each organization’s page.',
        loader: this.organizations,
      },
      listOf(this.organizations, 'organizations', `${userId} is a member of no organization.`, (organizations) =>
        table(
          `Organizations of ${userId}`,
          ['Organization', 'Description', 'Organization roles'],
          organizations.map(
            (organization) =>
              html`<tr>
                <th scope="row" data-label="Organization" class="name">
                  <a href=${hrefOf({ view: 'organizations', organizationId: organization.id })}>${organization.name}</a>
                </th>
                <td data-label="Description">${organization.description ?? missing}</td>
                <td data-label="Organization roles">
                  ${chipList(byName(organization.organizationRoles).map((role) => role.name))}
                </td>
              </tr>`,
          ),
          { actions: false },
        ),
      ),
    );
  }
}
