/** API resources: the audiences access tokens can be issued for, with their scopes and PAT policy. */
import { html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type ApiResource } from '../api';
import { formatDate, parseScopes } from '../format';
import { newestFirst } from '../lists';
import { hrefOf } from '../route';
import { LightElement } from './base';
import { askFields, confirmAction } from './dialogs';
import { listOf, rowButton, scopeList, section, table, timeOf } from './fragments';
import { Loader } from './loader';
import { notify, whenDone } from './notices';
import { editPatPolicy, patPolicySummary } from './pat-policy';
import './resource-view';

@customElement('pg-resources')
export class ResourcesView extends LightElement {
  /** From the route (`#/resources/{resourceId}`): that resource's page instead of the list. */
  @property({ attribute: false }) accessor resourceId: string | undefined = undefined;
  /** Loads (again) whenever the view is shown. */
  @property({ type: Boolean }) accessor active = false;
  private readonly resources = new Loader(this, async () => newestFirst(await api.resources.list()));

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('active') || changed.has('resourceId')) && this.active && !this.resourceId) {
      void this.resources.load();
    }
  }

  private create() {
    const created = askFields({
      heading: 'New API resource',
      fields: [
        { name: 'name', label: 'Name', maxLength: 256 },
        {
          name: 'indicator',
          label: 'Indicator',
          type: 'url',
          code: true,
          placeholder: 'https://api.example.com',
          hint: html`An absolute URI; access tokens for it carry it as <code>aud</code>.`,
        },
        {
          name: 'scopes',
          label: 'Scopes',
          required: false,
          code: true,
          placeholder: 'read:reports write:reports',
          hint: 'Separated by spaces. More, and their descriptions, on its page.',
        },
        {
          name: 'ttl',
          label: 'Access token lifetime in seconds',
          required: false,
          type: 'number',
          min: 60,
          max: 86400,
          placeholder: '3600',
        },
      ],
      submitLabel: 'Create API resource',
      busyLabel: 'Creating…',
      action: ({ name, indicator, scopes, ttl }) =>
        api.resources.create({
          name: name!,
          indicator: indicator!,
          scopes: parseScopes(scopes!),
          accessTokenTtl: ttl ? Number(ttl) : null,
        }),
    });
    return whenDone(
      created,
      (resource) => `Created “${resource.name}”.`,
      () => this.resources.load(),
    );
  }

  private async editPolicy(resource: ApiResource) {
    const saved = await editPatPolicy({
      subject: resource.name,
      scope: 'for this API resource',
      current: resource.patPolicy,
      save: (patPolicy) => api.resources.update(resource.id, { patPolicy }),
    });
    if (!saved) return;
    notify(`Saved the PAT policy of “${resource.name}”.`);
    await this.resources.load();
  }

  private delete(resource: ApiResource) {
    const deleted = confirmAction({
      heading: `Delete “${resource.name}”?`,
      message: html`Tokens can no longer be issued for <code class="mono">${resource.indicator}</code> (within about 30
        s). Access tokens already issued for it stay valid until they expire.`,
      confirmLabel: 'Delete API resource',
      busyLabel: 'Deleting…',
      action: () => api.resources.delete(resource.id),
    });
    return whenDone(deleted, `Deleted “${resource.name}”.`, () => this.resources.load());
  }

  override render() {
    if (this.resourceId) return html`<pg-resource .resourceId=${this.resourceId}></pg-resource>`;
    return section(
      {
        id: 'resources-heading',
        level: 1,
        heading: 'API resources',
        hint: html`Audiences of access tokens (the <code>resource</code> parameter) and their scopes. Open one to edit
          its scopes.`,
        actions: html`<button class="primary" @click=${this.create}>New API resource</button>`,
        loader: this.resources,
      },
      listOf(
        this.resources,
        'API resources',
        'No API resources yet. Without one, tokens carry OpenID Connect scopes only.',
        (resources) =>
          table(
            'API resources',
            ['Name', 'Indicator', 'Scopes', 'Token lifetime', 'PAT policy', 'Created'],
            resources.map(
              (resource) =>
                html`<tr>
                  <th scope="row" data-label="Name" class="name">
                    <a href=${hrefOf({ view: 'resources', resourceId: resource.id })}>${resource.name}</a>
                  </th>
                  <td data-label="Indicator"><code class="mono break">${resource.indicator}</code></td>
                  <td data-label="Scopes">${scopeList(resource.scopes)}</td>
                  <td data-label="Token lifetime">
                    ${resource.accessTokenTtl === null ? html`<span class="muted">default</span>` : `${resource.accessTokenTtl} s`}
                  </td>
                  <td data-label="PAT policy">${patPolicySummary(resource.patPolicy)}</td>
                  <td data-label="Created">${timeOf(resource.createdAt, formatDate(resource.createdAt))}</td>
                  <td class="row-actions">
                    ${rowButton('PAT policy', `Edit the PAT policy of ${resource.name}`, () => this.editPolicy(resource))}
                    ${rowButton('Delete', `Delete ${resource.name}`, () => this.delete(resource), 'danger-quiet')}
                  </td>
                </tr>`,
            ),
          ),
      ),
    );
  }
}
