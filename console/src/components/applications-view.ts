/** Applications (OAuth clients): list, create, allow or stop token exchange, set the PAT policy, delete. */
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, type Application, type ApplicationType } from '../api';
import { formatDate } from '../format';
import { timeOf } from './fragments';
import { sessionSecrets } from '../session';
import { LightElement, uniqueId } from './base';
import { confirmAction, FormDialog, showSecretOnce } from './dialogs';
import { notify } from './notices';
import { editPatPolicy, patPolicyFields, patPolicyFromForm, patPolicySummary } from './pat-policy';

const TYPES: { type: ApplicationType; label: string; hint: string }[] = [
  { type: 'MachineToMachine', label: 'Machine-to-machine', hint: 'confidential: authenticates with a secret' },
  { type: 'Traditional', label: 'Traditional web', hint: 'confidential: authenticates with a secret' },
  { type: 'SPA', label: 'Single-page app', hint: 'public: client id only' },
  { type: 'Native', label: 'Native', hint: 'public: client id only' },
];
const typeLabel = (type: ApplicationType) => TYPES.find((each) => each.type === type)?.label ?? type;

@customElement('pg-applications')
export class ApplicationsView extends LightElement {
  /** Loads (again) whenever the view is shown. */
  @property({ type: Boolean }) accessor active = false;
  @state() private accessor applications: Application[] | undefined = undefined;
  @state() private accessor loading = false;
  @state() private accessor error: unknown = undefined;
  /** Ids whose token exchange setting is being saved. */
  @state() private accessor saving = new Set<string>();

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('active') && this.active) void this.load();
  }

  private async load() {
    this.loading = true;
    try {
      this.applications = (await api.applications.list()).sort((left, right) => right.createdAt - left.createdAt);
      this.error = undefined;
    } catch (error) {
      this.error = error;
    } finally {
      this.loading = false;
    }
  }

  private async create() {
    const created = await new CreateApplicationDialog().open();
    if (!created) return;
    void this.load();
    if (created.secret) {
      sessionSecrets.remember(created.id, created.secret);
      await showSecretOnce({
        heading: `Application “${created.name}” created`,
        label: 'Client secret',
        value: created.secret,
        hint: html`Client id <code class="mono">${created.id}</code>. This tab remembers the secret for “Try it” until
          you reload it.`,
      });
    } else notify(`Created “${created.name}”; public clients have no secret.`);
  }

  private async setTokenExchange(app: Application, allow: boolean, checkbox: HTMLInputElement) {
    this.saving = new Set(this.saving).add(app.id);
    try {
      const updated = await api.applications.setTokenExchange(app.id, allow);
      this.applications = this.applications?.map((each) => (each.id === app.id ? updated : each));
      this.error = undefined;
      notify(
        `Token exchange ${allow ? 'allowed' : 'stopped'} for “${app.name}”. The token endpoint may take up to 30 s to notice.`,
      );
    } catch (error) {
      checkbox.checked = !allow;
      this.error = error;
    } finally {
      const saving = new Set(this.saving);
      saving.delete(app.id);
      this.saving = saving;
    }
  }

  private async editPolicy(app: Application) {
    const saved = await editPatPolicy({
      subject: app.name,
      scope: 'through this application',
      current: app.patPolicy,
      save: (patPolicy) => api.applications.update(app.id, { patPolicy }),
    });
    if (!saved) return;
    notify(`Saved the PAT policy of “${app.name}”.`);
    await this.load();
  }

  private async delete(app: Application) {
    const deleted = await confirmAction({
      heading: `Delete “${app.name}”?`,
      message:
        'It can no longer exchange tokens (within about 30 s). Access tokens it already holds stay valid until they expire.',
      confirmLabel: 'Delete application',
      busyLabel: 'Deleting…',
      action: () => api.applications.delete(app.id),
    });
    if (!deleted) return;
    sessionSecrets.forget(app.id);
    notify(`Deleted “${app.name}”.`);
    await this.load();
  }

  override render() {
    return html`<section
      class="panel"
      aria-labelledby="applications-heading"
      aria-busy=${this.loading ? 'true' : 'false'}
    >
      <header class="panel-header">
        <div>
          <h1 id="applications-heading">Applications</h1>
          <p class="muted small">OAuth clients that may exchange personal access tokens for access tokens.</p>
        </div>
        <div class="toolbar">
          <button class="primary" @click=${this.create}>New application</button>
        </div>
      </header>
      <pg-error .error=${this.error}></pg-error>
      ${this.renderList()}
    </section>`;
  }

  private renderList() {
    if (!this.applications) return this.loading ? html`<p class="loading">Loading applications…</p>` : nothing;
    if (this.applications.length === 0) return html`<p class="empty">No applications yet.</p>`;
    return html`<div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">
          Applications
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Client id</th>
            <th scope="col">Token exchange</th>
            <th scope="col">PAT policy</th>
            <th scope="col">Created</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${this.applications.map((app) => {
            const switchId = `exchange-${app.id}`;
            return html`<tr>
              <th scope="row" data-label="Name" class="name">
                ${app.name}
                ${app.description ? html`<span class="muted small block">${app.description}</span>` : nothing}
              </th>
              <td data-label="Type">${typeLabel(app.type)}</td>
              <td data-label="Client id">
                <span class="id-with-copy">
                  <code class="mono">${app.id}</code>
                  <pg-copy-button .value=${app.id} accessible-label=${`Copy client id of ${app.name}`}></pg-copy-button>
                </span>
              </td>
              <td data-label="Token exchange">
                <label class="switch" for=${switchId}>
                  <input
                    id=${switchId}
                    type="checkbox"
                    role="switch"
                    .checked=${app.customClientMetadata.allowTokenExchange}
                    ?disabled=${this.saving.has(app.id)}
                    aria-label=${`Allow token exchange for ${app.name}`}
                    @change=${(event: Event) => {
                      const checkbox = event.target as HTMLInputElement;
                      void this.setTokenExchange(app, checkbox.checked, checkbox);
                    }}
                  />
                  <span aria-hidden="true">${app.customClientMetadata.allowTokenExchange ? 'allowed' : 'off'}</span>
                </label>
              </td>
              <td data-label="PAT policy">${patPolicySummary(app.patPolicy)}</td>
              <td data-label="Created">${timeOf(app.createdAt, formatDate(app.createdAt))}</td>
              <td class="row-actions">
                <button
                  class="small"
                  aria-label=${`Edit the PAT policy of ${app.name}`}
                  @click=${() => this.editPolicy(app)}
                >
                  PAT policy
                </button>
                <button class="danger-quiet small" aria-label=${`Delete ${app.name}`} @click=${() => this.delete(app)}>
                  Delete
                </button>
              </td>
            </tr>`;
          })}
        </tbody>
      </table>
    </div>`;
  }
}

@customElement('pg-create-application-dialog')
class CreateApplicationDialog extends FormDialog<Application> {
  private readonly ids = {
    name: uniqueId('app-name'),
    description: uniqueId('app-description'),
    type: uniqueId('app-type'),
  };

  protected override get heading() {
    return 'New application';
  }
  protected override get submitLabel() {
    return 'Create application';
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
        <label for=${this.ids.type}>Type</label>
        <select id=${this.ids.type} name="type">
          ${TYPES.map((each) => html`<option value=${each.type}>${each.label} (${each.hint})</option>`)}
        </select>
      </div>
      <div class="field">
        <label for=${this.ids.description}>Description <span class="muted">(optional)</span></label>
        <input id=${this.ids.description} name="description" maxlength="2048" autocomplete="off" />
      </div>
      <label class="checkbox">
        <input type="checkbox" name="allowTokenExchange" checked />
        <span>Allow token exchange <span class="muted">(trade personal access tokens for access tokens)</span></span>
      </label>
      ${patPolicyFields(null)}
    `;
  }

  protected override submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const description = data.get('description')!.toString().trim();
    return api.applications.create({
      name: data.get('name')!.toString(),
      type: data.get('type')!.toString() as ApplicationType,
      description: description || null,
      allowTokenExchange: data.has('allowTokenExchange'),
      patPolicy: patPolicyFromForm(data),
    });
  }
}
