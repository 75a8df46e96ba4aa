/**
 * Users: the registry a page at a time, searchable; create, suspend and delete users. A user's own page
 * (`#/users/{userId}`, user-view.ts) holds their personal access tokens.
 */
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, type User, type UserPage } from '../api';
import { formatDate } from '../format';
import { pageCount } from '../lists';
import { hrefOf } from '../route';
import { LightElement } from './base';
import { Loader } from './loader';
import { askFields, confirmAction } from './dialogs';
import { missing, pager, timeOf } from './fragments';
import { notify } from './notices';
import { suspensionBadge } from './user-view';

export const PAGE_SIZE = 20;

/** userIdSchema's rule, as an HTML pattern (`v`-flag syntax: `|` and `-` escaped in the class). */
export const USER_ID_PATTERN = '[A-Za-z0-9._@\\|:+=\\-]{1,128}';
/** Logto's username rule. */
const USERNAME_PATTERN = '[A-Z_a-z]\\w{0,127}';

@customElement('pg-users')
export class UsersView extends LightElement {
  /** From the route (`#/users/{userId}`): that user's page instead of the list. */
  @property({ attribute: false }) accessor userId: string | undefined = undefined;
  /** Loads the list (again) whenever it is shown. */
  @property({ type: Boolean }) accessor active = false;
  /** The page asked for; the one shown until it has loaded is `list.value.page`. */
  private page = 1;
  /** The search the list shows (as submitted, not as being typed). */
  @state() private accessor search = '';
  /** The page shown, and its number. */
  private readonly list = new Loader(this, async (): Promise<UserPage & { page: number }> => {
    for (;;) {
      const list = await api.users.list({ page: this.page, pageSize: PAGE_SIZE, search: this.search || undefined });
      if (list.users.length > 0 || this.page === 1 || list.total === 0) return { ...list, page: this.page };
      // The page emptied (deletions elsewhere, or here): show the last one that has users.
      this.page = pageCount(list.total, PAGE_SIZE);
    }
  });
  /** A failed suspension change. */
  @state() private accessor error: unknown = undefined;
  /** Ids whose suspension is being changed. */
  @state() private accessor saving = new Set<string>();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if ((changed.has('active') || changed.has('userId')) && this.active && !this.userId) void this.load();
  }

  private load() {
    this.error = undefined;
    return this.list.load();
  }

  private onSearch(event: SubmitEvent) {
    event.preventDefault();
    this.search = new FormData(event.target as HTMLFormElement).get('search')!.toString().trim();
    this.page = 1;
    void this.load();
  }

  private goTo(page: number) {
    this.page = page;
    void this.load();
  }

  private async create() {
    const created = await askFields({
      heading: 'New user',
      fields: [
        {
          name: 'id',
          label: 'User id',
          required: false,
          code: true,
          pattern: USER_ID_PATTERN,
          title: 'Letters, digits and . _ @ | : + = - (up to 128)',
          placeholder: 'e.g. alice or auth0|6512…',
          hint: 'The id your directory knows the user by. Empty: patgate generates one.',
        },
        {
          name: 'username',
          label: 'Username',
          required: false,
          code: true,
          pattern: USERNAME_PATTERN,
          title: 'Letters, digits and _, starting with a letter or _',
        },
        { name: 'primaryEmail', label: 'Email', required: false, type: 'email', maxLength: 254 },
        { name: 'name', label: 'Name', required: false, maxLength: 128 },
      ],
      submitLabel: 'Create user',
      busyLabel: 'Creating…',
      action: ({ id, username, primaryEmail, name }) =>
        api.users.create({
          id: id || undefined,
          username: username || undefined,
          primaryEmail: primaryEmail || undefined,
          name: name || undefined,
        }),
    });
    if (!created) return;
    notify(`Created user ${created.id}.`);
    // Newest first: the new user heads the first page of the unfiltered list.
    this.search = '';
    this.page = 1;
    await this.load();
  }

  private replace(user: User) {
    const list = this.list.value;
    if (!list) return;
    this.list.value = { ...list, users: list.users.map((each) => (each.id === user.id ? user : each)) };
    this.requestUpdate();
  }

  private async setSuspended(user: User, isSuspended: boolean) {
    if (isSuspended) {
      let updated: User | undefined;
      const confirmed = await confirmAction({
        heading: `Suspend ${user.id}?`,
        message:
          'Their personal access tokens stop working at once, until the user is unsuspended. The tokens are kept.',
        confirmLabel: 'Suspend',
        busyLabel: 'Suspending…',
        action: async () => void (updated = await api.users.setSuspended(user.id, true)),
      });
      if (!confirmed || !updated) return;
      this.replace(updated);
    } else {
      this.saving = new Set(this.saving).add(user.id);
      try {
        this.replace(await api.users.setSuspended(user.id, false));
        this.error = undefined;
      } catch (error) {
        this.error = error;
        return;
      } finally {
        const saving = new Set(this.saving);
        saving.delete(user.id);
        this.saving = saving;
      }
    }
    notify(isSuspended ? `Suspended ${user.id}.` : `Unsuspended ${user.id}.`);
  }

  private async delete(user: User) {
    const deleted = await confirmAction({
      heading: `Delete user ${user.id}?`,
      message: 'Their personal access tokens stop working at once and are deleted with them. This cannot be undone.',
      confirmLabel: 'Delete user',
      busyLabel: 'Deleting…',
      action: () => api.users.delete(user.id),
    });
    if (!deleted) return;
    notify(`Deleted user ${user.id}.`);
    await this.load();
  }

  override render() {
    if (this.userId) return html`<pg-user .userId=${this.userId}></pg-user>`;
    return html`<section
      class="panel"
      aria-labelledby="users-heading"
      aria-busy=${this.list.loading ? 'true' : 'false'}
    >
      <header class="panel-header">
        <div>
          <h1 id="users-heading">Users</h1>
          <p class="muted small">Users own personal access tokens. Open one to manage their tokens.</p>
        </div>
        <div class="toolbar">
          <button class="primary" @click=${this.create}>New user</button>
        </div>
      </header>
      <form class="lookup" role="search" @submit=${this.onSearch}>
        <div class="field grow">
          <label for="user-search">Search users</label>
          <input
            id="user-search"
            name="search"
            type="search"
            autocomplete="off"
            spellcheck="false"
            placeholder="id, username, email, phone or name"
            .value=${this.search}
          />
        </div>
        <button class="secondary" type="submit">Search</button>
      </form>
      <pg-error .error=${this.error ?? this.list.error}></pg-error>
      ${this.renderList()}
    </section>`;
  }

  private renderList() {
    const list = this.list.value;
    if (!list) return this.list.loading ? html`<p class="loading">Loading users…</p>` : nothing;
    if (list.total === 0) {
      return html`<p class="empty">
        ${this.search ? `No users match “${this.search}”.` : 'No users yet. Create one with “New user”.'}
      </p>`;
    }
    return html`<div class="table-wrap">
        <table class="table">
          <caption class="visually-hidden">
            Users, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">User id</th>
              <th scope="col">Name</th>
              <th scope="col">Username</th>
              <th scope="col">Email</th>
              <th scope="col">Status</th>
              <th scope="col">Created</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${list.users.map((user) => this.renderRow(user))}
          </tbody>
        </table>
      </div>
      ${pager({
        label: 'Pages of users',
        ...list,
        pageSize: PAGE_SIZE,
        noun: 'user',
        loading: this.list.loading,
        goTo: (page) => this.goTo(page),
      })}`;
  }

  private renderRow(user: User) {
    return html`<tr>
      <th scope="row" class="name">
        <a class="mono" href=${hrefOf({ view: 'users', userId: user.id })} title="Personal access tokens of ${user.id}"
          >${user.id}</a
        >
      </th>
      <td data-label="Name">${user.name ?? missing}</td>
      <td data-label="Username">${user.username ?? missing}</td>
      <td data-label="Email" class="break">${user.primaryEmail ?? missing}</td>
      <td data-label="Status">${suspensionBadge(user)}</td>
      <td data-label="Created">${timeOf(user.createdAt, formatDate(user.createdAt))}</td>
      <td class="row-actions">
        ${
          user.isSuspended
            ? html`<button
                class="secondary small"
                aria-label=${`Unsuspend ${user.id}`}
                ?disabled=${this.saving.has(user.id)}
                @click=${() => this.setSuspended(user, false)}
              >
                Unsuspend
              </button>`
            : html`<button
                class="secondary small"
                aria-label=${`Suspend ${user.id}`}
                @click=${() => this.setSuspended(user, true)}
              >
                Suspend
              </button>`
        }
        <button class="danger-quiet small" aria-label=${`Delete ${user.id}`} @click=${() => this.delete(user)}>
          Delete
        </button>
      </td>
    </tr>`;
  }
}
