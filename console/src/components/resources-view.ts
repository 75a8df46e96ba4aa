/** API resources: the audiences access tokens can be issued for, with their scopes. */
import { html, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type ApiResource } from '../api';
import { formatDate, parseScopes } from '../format';
import { newestFirst } from '../lists';
import { hrefOf } from '../route';
import { LightElement, uniqueId } from './base';
import { confirmAction, FormDialog } from './dialogs';
import { listOf, rowButton, scopeList, section, table, timeOf } from './fragments';
import { Loader } from './loader';
import { notify } from './notices';
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

  private async create() {
    const created = await new CreateResourceDialog().open();
    if (!created) return;
    notify(`Created “${created.name}”.`);
    await this.resources.load();
  }

  private async delete(resource: ApiResource) {
    const deleted = await confirmAction({
      heading: `Delete “${resource.name}”?`,
      message: html`Tokens can no longer be issued for <code class="mono">${resource.indicator}</code> (within about 30
        s). Access tokens already issued for it stay valid until they expire.`,
      confirmLabel: 'Delete API resource',
      busyLabel: 'Deleting…',
      action: () => api.resources.delete(resource.id),
    });
    if (!deleted) return;
    notify(`Deleted “${resource.name}”.`);
    await this.resources.load();
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
            ['Name', 'Indicator', 'Scopes', 'Token lifetime', 'Created'],
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
                  <td data-label="Created">${timeOf(resource.createdAt, formatDate(resource.createdAt))}</td>
                  <td class="row-actions">
                    ${rowButton('Delete', `Delete ${resource.name}`, () => this.delete(resource), 'danger-quiet')}
                  </td>
                </tr>`,
            ),
          ),
      ),
    );
  }
}

@customElement('pg-create-resource-dialog')
class CreateResourceDialog extends FormDialog<ApiResource> {
  private readonly ids = {
    name: uniqueId('resource-name'),
    indicator: uniqueId('resource-indicator'),
    scopes: uniqueId('resource-scopes'),
    ttl: uniqueId('resource-ttl'),
  };

  protected override get heading() {
    return 'New API resource';
  }
  protected override get submitLabel() {
    return 'Create API resource';
  }
  protected override get busyLabel() {
    return 'Creating…';
  }

  protected override renderBody() {
    return html`
      <div class="field">
        <label for=${this.ids.name}>Name</label>
        <input id=${this.ids.name} name="name" required maxlength="256" autocomplete="off" autofocus />
      </div>
      <div class="field">
        <label for=${this.ids.indicator}>Indicator</label>
        <input
          id=${this.ids.indicator}
          name="indicator"
          type="url"
          required
          autocomplete="off"
          spellcheck="false"
          placeholder="https://api.example.com"
        />
        <p class="hint">An absolute URI; access tokens for it carry it as <code>aud</code>.</p>
      </div>
      <div class="field">
        <label for=${this.ids.scopes}>Scopes <span class="muted">(optional)</span></label>
        <input
          id=${this.ids.scopes}
          name="scopes"
          autocomplete="off"
          spellcheck="false"
          placeholder="read:reports write:reports"
        />
        <p class="hint">Separated by spaces.</p>
      </div>
      <div class="field">
        <label for=${this.ids.ttl}>Access token lifetime in seconds <span class="muted">(optional)</span></label>
        <input
          id=${this.ids.ttl}
          name="ttl"
          type="number"
          min="60"
          max="86400"
          step="1"
          inputmode="numeric"
          placeholder="3600"
        />
      </div>
    `;
  }

  protected override submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const ttl = data.get('ttl')!.toString();
    return api.resources.create({
      name: data.get('name')!.toString(),
      indicator: data.get('indicator')!.toString().trim(),
      scopes: parseScopes(data.get('scopes')!.toString()),
      accessTokenTtl: ttl === '' ? null : Number(ttl),
    });
  }
}
