/** On a user's page: the organizations they are a member of, with their organization roles in each. */
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api } from '../api';
import { byName } from '../lists';
import { hrefOf } from '../route';
import { LightElement, uniqueId } from './base';
import { chipList, listOf, missing, panelHeader, table } from './fragments';
import { Loader } from './loader';

@customElement('pg-user-organizations')
export class UserOrganizations extends LightElement {
  @property({ attribute: false }) accessor userId: string | undefined = undefined;
  private readonly organizations = new Loader(this, async () =>
    byName(await api.call('listUserOrganizations', { params: { userId: this.userId! } })),
  );
  private readonly headingId = uniqueId('user-organizations-heading');

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('userId')) {
      this.organizations.clear();
      if (this.userId) void this.organizations.load();
    }
  }

  override render() {
    const userId = this.userId;
    if (!userId) return nothing;
    return html`<section
      class="user-section"
      aria-labelledby=${this.headingId}
      aria-busy=${this.organizations.loading ? 'true' : 'false'}
    >
      ${panelHeader(
        html`<h2 id=${this.headingId}>Organizations</h2>`,
        'Organizations they are a member of; members and their organization roles are managed on each organization’s page.',
      )}
      <pg-error .error=${this.organizations.error}></pg-error>
      ${listOf(this.organizations, 'organizations', `${userId} is a member of no organization.`, (organizations) =>
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
      )}
    </section>`;
  }
}
