/** Users: look one up by id, and manage their personal access tokens and suspension. */
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, type CreatedPersonalAccessToken, type PersonalAccessToken } from '../api';
import {
  describeExpiry,
  expiresAtFor,
  expiryPresetLabels,
  expiryPresets,
  formatDate,
  isoDate,
  parseScopes,
  timeAgo,
  type ExpiryPreset,
} from '../format';
import { routeTo } from '../route';
import { LightElement, uniqueId } from './base';
import { confirmAction, FormDialog, promptText, showSecretOnce } from './dialogs';
import { scopeList, timeOf } from './fragments';
import { notify } from './notices';

/** userIdSchema's rule, as an HTML pattern (`v`-flag syntax: `|` and `-` escaped in the class). */
const USER_ID_PATTERN = '[A-Za-z0-9._@\\|:+=\\-]{1,128}';

@customElement('pg-users')
export class UsersView extends LightElement {
  /** From the route (`#/users/{userId}`). */
  @property({ attribute: false }) accessor userId: string | undefined = undefined;
  @state() private accessor pats: PersonalAccessToken[] | undefined = undefined;
  @state() private accessor loading = false;
  @state() private accessor error: unknown = undefined;
  /** The API can set suspension but not read it: this is what was set here, if anything. */
  @state() private accessor suspended: boolean | undefined = undefined;
  @state() private accessor settingSuspension = false;
  private loads = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('userId')) {
      this.pats = undefined;
      this.suspended = undefined;
      this.error = undefined;
      if (this.userId) void this.load();
    }
  }

  private async load() {
    const userId = this.userId;
    if (!userId) return;
    const load = ++this.loads;
    this.loading = true;
    try {
      const pats = await api.pats.list(userId);
      if (load !== this.loads) return;
      this.pats = pats.sort((left, right) => right.createdAt - left.createdAt);
      this.error = undefined;
    } catch (error) {
      if (load === this.loads) this.error = error;
    } finally {
      if (load === this.loads) this.loading = false;
    }
  }

  private lookUp(event: SubmitEvent) {
    event.preventDefault();
    const userId = new FormData(event.target as HTMLFormElement).get('userId')!.toString().trim();
    if (userId === this.userId) void this.load();
    else routeTo({ view: 'users', userId });
  }

  private async createPat(userId: string) {
    const dialog = new CreatePatDialog();
    dialog.userId = userId;
    const created = await dialog.open();
    if (!created) return;
    void this.load();
    await showSecretOnce({
      heading: `Token “${created.name}” created`,
      label: 'Personal access token',
      value: created.value,
      hint: 'Exchange it at the token endpoint for an access token, or try that in “Try it”.',
    });
  }

  private async rename(userId: string, pat: PersonalAccessToken) {
    const name = await promptText({
      heading: `Rename “${pat.name}”`,
      label: 'New name',
      value: pat.name,
      submitLabel: 'Rename',
      busyLabel: 'Renaming…',
      action: (name) => api.pats.rename(userId, pat.name, name).then(() => undefined),
    });
    if (name === undefined) return;
    notify(`Renamed “${pat.name}” to “${name}”.`);
    await this.load();
  }

  private async delete(userId: string, pat: PersonalAccessToken) {
    const deleted = await confirmAction({
      heading: `Delete “${pat.name}”?`,
      message: 'Anything that uses this token can no longer exchange it, starting now. This cannot be undone.',
      confirmLabel: 'Delete token',
      busyLabel: 'Deleting…',
      action: () => api.pats.delete(userId, pat.name),
    });
    if (!deleted) return;
    notify(`Deleted “${pat.name}”.`);
    await this.load();
  }

  private async revokeAll(userId: string) {
    const revoked = await confirmAction({
      heading: `Revoke all tokens of ${userId}?`,
      message: html`This deletes <strong>every</strong> personal access token of ${userId}; anything using them stops
        working now. This cannot be undone.`,
      confirmLabel: 'Revoke all',
      busyLabel: 'Revoking…',
      action: () => api.pats.revokeAll(userId),
    });
    if (!revoked) return;
    notify(`Revoked all tokens of ${userId}.`);
    await this.load();
  }

  private async setSuspended(userId: string, isSuspended: boolean) {
    if (isSuspended) {
      const confirmed = await confirmAction({
        heading: `Suspend ${userId}?`,
        message:
          'Their personal access tokens stop working at once, until the user is unsuspended. The tokens are kept.',
        confirmLabel: 'Suspend',
        busyLabel: 'Suspending…',
        action: () => api.users.setSuspended(userId, true).then(() => undefined),
      });
      if (!confirmed) return;
    } else {
      this.settingSuspension = true;
      try {
        await api.users.setSuspended(userId, false);
      } catch (error) {
        this.error = error;
        return;
      } finally {
        this.settingSuspension = false;
      }
    }
    if (userId !== this.userId) return;
    this.suspended = isSuspended;
    notify(isSuspended ? `Suspended ${userId}.` : `Unsuspended ${userId}.`);
  }

  override render() {
    return html`
      <section class="panel" aria-labelledby="users-heading">
        <h1 id="users-heading">Users</h1>
        <form class="lookup" @submit=${this.lookUp} role="search">
          <div class="field grow">
            <label for="user-id">User id</label>
            <input
              id="user-id"
              name="userId"
              required
              autocomplete="off"
              spellcheck="false"
              pattern=${USER_ID_PATTERN}
              title="Letters, digits and . _ @ | : + = - (up to 128)"
              placeholder="e.g. alice or auth0|6512…"
              .value=${this.userId ?? ''}
            />
          </div>
          <button class="primary" type="submit">Look up</button>
        </form>
      </section>
      ${this.userId ? this.renderUser(this.userId) : nothing}
    `;
  }

  private renderUser(userId: string) {
    return html`<section class="panel" aria-labelledby="user-heading" aria-busy=${this.loading ? 'true' : 'false'}>
      <header class="panel-header">
        <div>
          <h2 id="user-heading">
            <span class="muted">User</span> <span class="mono">${userId}</span>
            ${
              this.suspended === undefined
                ? nothing
                : html`<span class="badge ${this.suspended ? 'expired' : 'ok'}" title="As set from this console"
                    >${this.suspended ? 'suspended' : 'active'}</span
                  >`
            }
          </h2>
          <p class="muted small">Personal access tokens, newest first.</p>
        </div>
        <div class="toolbar">
          <button class="primary" @click=${() => this.createPat(userId)}>New token</button>
          ${
            this.suspended === true
              ? nothing
              : html`<button class="secondary" @click=${() => this.setSuspended(userId, true)}>Suspend</button>`
          }
          ${
            this.suspended === false
              ? nothing
              : html`<button
                  class="secondary"
                  ?disabled=${this.settingSuspension}
                  @click=${() => this.setSuspended(userId, false)}
                >
                  ${this.settingSuspension ? 'Unsuspending…' : 'Unsuspend'}
                </button>`
          }
          <button class="danger" ?disabled=${!this.pats?.length} @click=${() => this.revokeAll(userId)}>
            Revoke all
          </button>
        </div>
      </header>
      <pg-error .error=${this.error}></pg-error>
      ${this.renderPats(userId)}
    </section>`;
  }

  private renderPats(userId: string) {
    if (!this.pats) return this.loading ? html`<p class="loading">Loading tokens…</p>` : nothing;
    if (this.pats.length === 0) {
      return html`<p class="empty">${userId} has no personal access tokens. Create one with “New token”.</p>`;
    }
    const now = Date.now();
    return html`<div class="table-wrap">
      <table class="table">
        <caption class="visually-hidden">
          Personal access tokens of ${userId}
        </caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Scopes</th>
            <th scope="col">Last used</th>
            <th scope="col"><span class="visually-hidden">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          ${this.pats.map((pat) => {
            const expiry = describeExpiry(pat.expiresAt, now);
            return html`<tr>
              <th scope="row" data-label="Name" class="name">${pat.name}</th>
              <td data-label="Created">${timeOf(pat.createdAt, formatDate(pat.createdAt))}</td>
              <td data-label="Expires">
                <div class="expiry">
                  <span class="badge ${expiry.tone}">${expiry.text}</span>
                  ${
                    pat.expiresAt === null
                      ? nothing
                      : html`<span class="muted small">${timeOf(pat.expiresAt, formatDate(pat.expiresAt))}</span>`
                  }
                </div>
              </td>
              <td data-label="Scopes">${scopeList(pat.scopes)}</td>
              <td data-label="Last used">
                ${pat.lastUsedAt === null ? html`<span class="muted">never</span>` : timeOf(pat.lastUsedAt, timeAgo(pat.lastUsedAt, now))}
              </td>
              <td class="row-actions">
                <button
                  class="secondary small"
                  aria-label=${`Rename ${pat.name}`}
                  @click=${() => this.rename(userId, pat)}
                >
                  Rename
                </button>
                <button
                  class="danger-quiet small"
                  aria-label=${`Delete ${pat.name}`}
                  @click=${() => this.delete(userId, pat)}
                >
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

@customElement('pg-create-pat-dialog')
class CreatePatDialog extends FormDialog<CreatedPersonalAccessToken> {
  @property({ attribute: false }) accessor userId = '';
  @state() private accessor preset: ExpiryPreset = '30';
  private readonly ids = { name: uniqueId('pat-name'), date: uniqueId('pat-date'), scopes: uniqueId('pat-scopes') };

  protected override get heading() {
    return `New token for ${this.userId}`;
  }
  protected override get submitLabel() {
    return 'Create token';
  }
  protected override get busyLabel() {
    return 'Creating…';
  }

  protected override renderBody() {
    const tomorrow = isoDate(Date.now() + 86_400_000);
    return html`
      <div class="field">
        <label for=${this.ids.name}>Name</label>
        <input id=${this.ids.name} name="name" required maxlength="256" autocomplete="off" autofocus />
        <p class="hint">Unique for this user, e.g. the CI job or machine that will use it.</p>
      </div>
      <fieldset class="field">
        <legend>Expires</legend>
        <div class="segmented">
          ${expiryPresets.map(
            (preset) =>
              html`<label class="segment">
                <input
                  type="radio"
                  name="expiry"
                  value=${preset}
                  .checked=${this.preset === preset}
                  @change=${() => (this.preset = preset)}
                />
                <span>${expiryPresetLabels[preset]}</span>
              </label>`,
          )}
        </div>
        ${
          this.preset === 'date'
            ? html`<label class="visually-hidden" for=${this.ids.date}>Expiry date</label>
                <input id=${this.ids.date} class="date" type="date" name="date" required min=${tomorrow} />
                <p class="hint">The token expires at the end of that day, your local time.</p>`
            : nothing
        }
      </fieldset>
      <div class="field">
        <label for=${this.ids.scopes}>Scopes <span class="muted">(optional)</span></label>
        <input
          id=${this.ids.scopes}
          name="scopes"
          autocomplete="off"
          spellcheck="false"
          placeholder="e.g. read:reports write:builds"
        />
        <p class="hint">Separated by spaces. Empty: no limit beyond what the application and API resource allow.</p>
      </div>
    `;
  }

  protected override async submit(form: HTMLFormElement) {
    const data = new FormData(form);
    const expiresAt = expiresAtFor(this.preset, data.get('date')?.toString() ?? '', Date.now());
    const scopes = parseScopes(data.get('scopes')?.toString() ?? '');
    return api.pats.create(this.userId, {
      name: data.get('name')!.toString(),
      expiresAt,
      scopes: scopes.length > 0 ? scopes : null,
    });
  }
}
