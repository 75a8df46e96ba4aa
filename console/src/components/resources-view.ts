/** API resources: the audiences access tokens can be issued for, with their scopes and PAT policy. */
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, type ApiResource } from '../api';
import { formatDate, parseScopes } from '../format';
import { LightElement, uniqueId } from './base';
import { confirmAction, FormDialog } from './dialogs';
import { notify } from './notices';
import { scopeList, timeOf } from './fragments';
import { editPatPolicy, patPolicyFields, patPolicyFromForm, patPolicySummary } from './pat-policy';

@customElement('pg-resources')
export class ResourcesView extends LightElement {
  /** Loads (again) whenever the view is shown. */
  @property({ type: Boolean }) accessor active = false;
  @state() private accessor resources: ApiResource[] | undefined = undefined;
  @state() private accessor loading = false;
  @state() private accessor error: unknown = undefined;

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('active') && this.active) void this.load();
  }

  private async load() {
    this.loading = true;
    try {
      this.resources = (await api.resources.list()).sort((left, right) => right.createdAt - left.createdAt);
      this.error = undefined;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  private async create() {
    const created = await new CreateResourceDialog().open();
    if (!created) return;
    notify(`Created “${created.name}”.`);
    await this.load();
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
    await this.load();
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
    await this.load();
  }

  override render() {
    return html`<section class="panel" aria-labelledby="resources-heading" aria-busy=${this.loading ? 'true' : 'false'}>
      <header class="panel-header">
        <div>
          <h1 id="resources-heading">API resources</h1>
          <p class="muted small">Audiences of access tokens (the <code>resource</code> parameter) and their scopes.</p>
        </div>
        <div class="toolbar">
          <button class="primary" @click=${this.create}>New API resource</button>
        </div>
      </header>
      <pg-error .error=${this.error}></pg-error>
      ${this.renderList()}
    </section>`;
  }

  private renderList() {
    if (!this.resources) return this.loading ? html`<p class="loading">Loading API resources…</p>` : nothing;
    if (this.resources.length === 0) {
      return html`<p class="empty">No API resources yet. Without one, tokens carry OpenID Connect scopes only.</p>`;
    }
    return html`<div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">
          API resources
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Indicator</th>
            <th scope="col">Scopes</th>
            <th scope="col">Token lifetime</th>
            <th scope="col">PAT policy</th>
            <th scope="col">Created</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${this.resources.map(
            (resource) =>
              html`<tr>
                <th scope="row" data-label="Name" class="name">${resource.name}</th>
                <td data-label="Indicator"><code class="mono break">${resource.indicator}</code></td>
                <td data-label="Scopes">${scopeList(resource.scopes)}</td>
                <td data-label="Token lifetime">
                  ${resource.accessTokenTtl === null ? html`<span class="muted">default</span>` : `${resource.accessTokenTtl} s`}
                </td>
                <td data-label="PAT policy">${patPolicySummary(resource.patPolicy)}</td>
                <td data-label="Created">${timeOf(resource.createdAt, formatDate(resource.createdAt))}</td>
                <td class="row-actions">
                  <button
                    class="small"
                    aria-label=${`Edit the PAT policy of ${resource.name}`}
                    @click=${() => this.editPolicy(resource)}
                  >
                    PAT policy
                  </button>
                  <button
                    class="danger-quiet small"
                    aria-label=${`Delete ${resource.name}`}
                    @click=${() => this.delete(resource)}
                  >
                    Delete
                  </button>
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
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
      ${patPolicyFields(null)}
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
      patPolicy: patPolicyFromForm(data),
    });
  }
}
