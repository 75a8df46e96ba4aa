/** One user: their profile and suspension, their personal access tokens; deleting the user. */
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, PatgateApiError, type CreatedPersonalAccessToken, type PersonalAccessToken, type User } from '../api';
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
import { hrefOf } from '../route';
import { LightElement, uniqueId, routeTo } from './base';
import { confirmAction, FormDialog, promptText, showSecretOnce } from './dialogs';
import { scopeList, timeOf } from './fragments';
import { notify } from './notices';
import type { AuditView } from './audit-view';
import './audit-view';
import './user-organizations';
import './user-roles';

@customElement('pg-user')
export class UserView extends LightElement {
  /** From the route (`#/users/{userId}`). */
  @property({ attribute: false }) accessor userId: string | undefined = undefined;
  @state() private accessor user: User | undefined = undefined;
  @state() private accessor pats: PersonalAccessToken[] | undefined = undefined;
  @state() private accessor loading = false;
  @state() private accessor error: unknown = undefined;
  @state() private accessor settingSuspension = false;
  private loads = 0;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('userId')) {
      this.user = undefined;
      this.pats = undefined;
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
      const [user, pats] = await Promise.all([api.users.get(userId), api.pats.list(userId)]);
      if (load !== this.loads) return;
      this.user = user;
      this.pats = pats.sort((left, right) => right.createdAt - left.createdAt);
      this.error = undefined;
      // Each load follows a change (or opens the page): the user's audit events show it too.
      await this.updateComplete;
      if (load === this.loads) void this.querySelector<AuditView>('pg-audit')?.refresh();
    } catch (error) {
      if (load === this.loads) this.error = error;
    } finally {
      if (load === this.loads) this.loading = false;
    }
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

  private async rotate(userId: string, pat: PersonalAccessToken) {
    let rotated: { value: string } | undefined;
    const confirmed = await confirmAction({
      heading: `Rotate “${pat.name}”?`,
      message: 'It gets a new value, shown once; the current value stops working now.',
      confirmLabel: 'Rotate token',
      busyLabel: 'Rotating…',
      action: async () => {
        rotated = await api.pats.rotate(userId, pat.name);
      },
    });
    if (!confirmed || !rotated) return;
    void this.load();
    await showSecretOnce({
      heading: `Token “${pat.name}” rotated`,
      label: 'Personal access token',
      value: rotated.value,
      hint: 'Replace the old value wherever it is used: it no longer works.',
    });
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
    let user: User | undefined;
    if (isSuspended) {
      const confirmed = await confirmAction({
        heading: `Suspend ${userId}?`,
        message:
          'Their personal access tokens stop working at once, until the user is unsuspended. The tokens are kept.',
        confirmLabel: 'Suspend',
        busyLabel: 'Suspending…',
        action: async () => void (user = await api.users.setSuspended(userId, true)),
      });
      if (!confirmed) return;
    } else {
      this.settingSuspension = true;
      try {
        user = await api.users.setSuspended(userId, false);
      } catch (error) {
        this.error = error;
        return;
      } finally {
        this.settingSuspension = false;
      }
    }
    if (userId !== this.userId) return;
    this.user = user;
    notify(isSuspended ? `Suspended ${userId}.` : `Unsuspended ${userId}.`);
  }

  private async deleteUser(userId: string) {
    const deleted = await confirmAction({
      heading: `Delete user ${userId}?`,
      message: html`Their personal access tokens (${this.pats?.length ?? 0}) stop working at once and are deleted with
      them. This cannot be undone.`,
      confirmLabel: 'Delete user',
      busyLabel: 'Deleting…',
      action: () => api.users.delete(userId),
    });
    if (!deleted) return;
    notify(`Deleted user ${userId}.`);
    if (userId === this.userId) routeTo({ view: 'users' });
  }

  override render() {
    const userId = this.userId;
    if (!userId) return nothing;
    const user = this.user;
    const details = user ? [user.name, user.username, user.primaryEmail, user.primaryPhone].filter(Boolean) : [];
    return html`<section class="panel" aria-labelledby="user-heading" aria-busy=${this.loading ? 'true' : 'false'}>
      <p class="small"><a class="back-link" href=${hrefOf({ view: 'users' })}>← All users</a></p>
      <header class="panel-header">
        <div>
          <h1 id="user-heading">
            <span class="muted">User</span> <span class="mono break">${userId}</span>
            ${user ? suspensionBadge(user) : nothing}
          </h1>
          ${details.length > 0 ? html`<p class="user-details">${details.join(' · ')}</p>` : nothing}
          <p class="muted small">Personal access tokens, newest first.</p>
        </div>
        ${user ? this.renderToolbar(user) : nothing}
      </header>
      <pg-error .error=${this.error}></pg-error>
      ${user ? this.renderPats(userId) : this.loading ? html`<p class="loading">Loading user…</p>` : this.renderUnknown(userId)}
      ${user ? html`<pg-user-roles .userId=${userId}></pg-user-roles>` : nothing}
      ${user ? html`<pg-user-organizations .userId=${userId}></pg-user-organizations>` : nothing}
      ${user ? html`<pg-audit .userId=${userId}></pg-audit>` : nothing}
    </section>`;
  }

  /** A link to a user patgate doesn't know (deleted, or from before users had to be registered). */
  private renderUnknown(userId: string) {
    if (!(this.error instanceof PatgateApiError && this.error.status === 404)) return nothing;
    return html`<p class="empty">
      Personal access tokens need a registered owner.
      <button class="primary small" @click=${() => this.register(userId)}>Register ${userId}</button>
    </p>`;
  }

  private async register(userId: string) {
    try {
      await api.users.create({ id: userId });
    } catch (error) {
      this.error = error;
      return;
    }
    notify(`Created user ${userId}.`);
    if (userId === this.userId) await this.load();
  }

  private renderToolbar(user: User) {
    return html`<div class="toolbar">
      <button class="primary" @click=${() => this.createPat(user.id)}>New token</button>
      ${
        user.isSuspended
          ? html`<button
              class="secondary"
              ?disabled=${this.settingSuspension}
              @click=${() => this.setSuspended(user.id, false)}
            >
              ${this.settingSuspension ? 'Unsuspending…' : 'Unsuspend'}
            </button>`
          : html`<button class="secondary" @click=${() => this.setSuspended(user.id, true)}>Suspend</button>`
      }
      <button class="danger" ?disabled=${!this.pats?.length} @click=${() => this.revokeAll(user.id)}>Revoke all</button>
      <button class="danger" @click=${() => this.deleteUser(user.id)}>Delete user</button>
    </div>`;
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
                  class="secondary small"
                  aria-label=${`Rotate ${pat.name}`}
                  ?disabled=${pat.revokedAt !== null}
                  @click=${() => this.rotate(userId, pat)}
                >
                  Rotate
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

export const suspensionBadge = (user: User) =>
  html`<span class="badge ${user.isSuspended ? 'expired' : 'ok'}">${user.isSuspended ? 'suspended' : 'active'}</span>`;

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
