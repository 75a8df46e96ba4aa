/**
 * The audit trail, newest first, a page at a time: every management change with who made it (caller ARN,
 * source IP, request id). Filterable by action, PAT name, user and time. Embedded with a `userId` on a user's
 * page, it shows that user's events (their user and PAT changes) and drops the user filter.
 */
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, type AuditEvent, type AuditQuery } from '../api';
import { formatDateTime } from '../format';
import { hrefOf } from '../route';
import { LightElement, uniqueId } from './base';
import { Loader } from './loader';
import { missing, pager, timeOf } from './fragments';

const PAGE_SIZE = 20;
/** auditQuerySchema's action rule. */
const ACTION_PATTERN = '[a-z_]+\\.[a-z_]+';

type Filters = Omit<AuditQuery, 'page' | 'pageSize'>;

@customElement('pg-audit')
export class AuditView extends LightElement {
  /** Set: that user's events only (GET /api/users/{userId}/audit-logs). */
  @property({ attribute: false }) accessor userId: string | undefined = undefined;
  /** Loads the list (again) whenever it is shown. */
  @property({ type: Boolean }) accessor active = false;
  @state() private accessor filters: Filters = {};
  private page = 1;
  private readonly list = new Loader(this, async () => {
    const query = { ...this.filters, page: this.page, pageSize: PAGE_SIZE };
    const list = this.userId ? await api.audit.listForUser(this.userId, query) : await api.audit.list(query);
    return { ...list, page: query.page };
  });
  private readonly ids = {
    heading: uniqueId('audit-heading'),
    action: uniqueId('audit-action'),
    patName: uniqueId('audit-pat'),
    userId: uniqueId('audit-user'),
    from: uniqueId('audit-from'),
    to: uniqueId('audit-to'),
  };

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('userId')) {
      this.list.clear();
      this.filters = {};
      this.page = 1;
    }
    if ((changed.has('active') || changed.has('userId')) && this.active) void this.list.load();
  }

  /** Reloads the first page (after a change elsewhere on the page). */
  refresh() {
    this.page = 1;
    return this.list.load();
  }

  private onFilter(event: SubmitEvent) {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => data.get(name)?.toString().trim() || undefined;
    // datetime-local is the browser's local time; minutes are the inputs' precision, `to` takes its whole minute.
    const time = (name: string, end = 0) => {
      const value = text(name);
      return value === undefined ? undefined : new Date(value).getTime() + end;
    };
    this.filters = {
      action: text('action'),
      patName: text('patName'),
      userId: this.userId ? undefined : text('userId'),
      from: time('from'),
      to: time('to', 59_999),
    };
    this.page = 1;
    void this.list.load();
  }

  private goTo(page: number) {
    this.page = page;
    void this.list.load();
  }

  override render() {
    const filtered = Object.values(this.filters).some((value) => value !== undefined);
    return html`<section
      class=${this.userId ? 'audit-section' : 'panel'}
      aria-labelledby=${this.ids.heading}
      aria-busy=${this.list.loading ? 'true' : 'false'}
    >
      <header class="panel-header">
        <div>
          ${
            this.userId
              ? html`<h2 id=${this.ids.heading}>Audit events</h2>`
              : html`<h1 id=${this.ids.heading}>Audit</h1>`
          }
          <p class="muted small">
            ${
              this.userId
                ? 'Changes to this user and their personal access tokens, newest first.'
                : 'Every management change, newest first, with who made it.'
            }
          </p>
        </div>
      </header>
      <form class="lookup" role="search" aria-label="Filter audit events" @submit=${this.onFilter}>
        <div class="field">
          <label for=${this.ids.action}>Action</label>
          <input
            id=${this.ids.action}
            name="action"
            autocomplete="off"
            spellcheck="false"
            pattern=${ACTION_PATTERN}
            title="e.g. pat.created or user.suspended"
            placeholder="e.g. pat.created"
          />
        </div>
        <div class="field">
          <label for=${this.ids.patName}>PAT name</label>
          <input id=${this.ids.patName} name="patName" autocomplete="off" spellcheck="false" maxlength="256" />
        </div>
        ${
          this.userId
            ? nothing
            : html`<div class="field">
                <label for=${this.ids.userId}>User id</label>
                <input id=${this.ids.userId} name="userId" autocomplete="off" spellcheck="false" maxlength="128" />
              </div>`
        }
        <div class="field">
          <label for=${this.ids.from}>From</label>
          <input id=${this.ids.from} name="from" type="datetime-local" />
        </div>
        <div class="field">
          <label for=${this.ids.to}>To</label>
          <input id=${this.ids.to} name="to" type="datetime-local" />
        </div>
        <button class="secondary" type="submit">Filter</button>
      </form>
      <pg-error .error=${this.list.error}></pg-error>
      ${this.renderList(filtered)}
    </section>`;
  }

  private renderList(filtered: boolean) {
    const list = this.list.value;
    if (!list) return this.list.loading ? html`<p class="loading">Loading audit events…</p>` : nothing;
    if (list.total === 0 || list.events.length === 0) {
      return html`<p class="empty">${filtered ? 'No audit events match these filters.' : 'No audit events yet.'}</p>`;
    }
    return html`<div class="table-wrap">
        <table class="table audit-table">
          <caption class="visually-hidden">
            Audit events, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Action</th>
              <th scope="col">Target</th>
              <th scope="col">Caller</th>
              <th scope="col">Source IP</th>
              <th scope="col">Request id</th>
            </tr>
          </thead>
          <tbody>
            ${list.events.map((event) => this.renderRow(event))}
          </tbody>
        </table>
      </div>
      ${pager({
        label: 'Pages of audit events',
        ...list,
        pageSize: PAGE_SIZE,
        noun: 'event',
        loading: this.list.loading,
        goTo: (page) => this.goTo(page),
      })}`;
  }

  private renderRow(event: AuditEvent) {
    return html`<tr>
      <td data-label="Time">${timeOf(event.at, formatDateTime(event.at))}</td>
      <th scope="row" data-label="Action" class="mono">${event.action}</th>
      <td data-label="Target" class="break">${this.renderTarget(event) ?? missing}</td>
      <td data-label="Caller" class="mono break small">${event.callerArn}</td>
      <td data-label="Source IP" class="mono">${event.sourceIp ?? missing}</td>
      <td data-label="Request id" class="mono break small">${event.requestId ?? missing}</td>
    </tr>`;
  }

  private renderTarget(event: AuditEvent) {
    const parts = [
      event.userId && !this.userId
        ? html`<span
            >user <a class="mono" href=${hrefOf({ view: 'users', userId: event.userId })}>${event.userId}</a></span
          >`
        : event.userId
          ? html`<span>user <span class="mono">${event.userId}</span></span>`
          : undefined,
      event.patName ? html`<span>PAT <span class="mono">${event.patName}</span></span>` : undefined,
      event.applicationId ? html`<span>application <span class="mono">${event.applicationId}</span></span>` : undefined,
      event.resourceId ? html`<span>resource <span class="mono">${event.resourceId}</span></span>` : undefined,
    ].filter((part) => part !== undefined);
    return parts.length === 0 ? undefined : parts.map((part, index) => html`${index > 0 ? ' · ' : ''}${part}`);
  }
}
