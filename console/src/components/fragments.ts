/** Small pieces of markup shared by the views. */
import { html, nothing, type TemplateResult } from 'lit';
import { formatDateTime } from '../format';
import { countOf, pageCount } from '../lists';
import { hrefOf, type Route } from '../route';
import type { Loader } from './loader';

/** A point in time as `text`, with the exact date and time on hover and in `datetime`. */
export const timeOf = (at: number, text: string) =>
  html`<time datetime=${new Date(at).toISOString()} title=${formatDateTime(at)}>${text}</time>`;

/** Scopes as chips. `null` puts no limit (a PAT's default); an empty list allows none. */
export function scopeList(scopes: readonly string[] | null) {
  if (scopes === null)
    return html`<span class="muted" title="No limit beyond the application’s and resource’s">any</span>`;
  return chipList(scopes, 'mono');
}

/** Names as chips; "none" for none. */
export function chipList(names: readonly string[], className = '') {
  if (names.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul class="chips">
    ${names.map((name) => html`<li class="chip ${className}">${name}</li>`)}
  </ul>`;
}

/** Names as chips, each with a button that removes it ("Remove read:org from viewer"). */
export const removableChips = <T extends { name: string }>(
  items: readonly T[],
  from: string,
  onRemove: (item: T) => unknown,
) =>
  items.length === 0
    ? html`<span class="muted">none</span>`
    : html`<ul class="chips">
        ${items.map(
          (item) =>
            html`<li class="chip mono removable">
              ${item.name}
              <button
                class="chip-remove"
                aria-label=${`Remove ${item.name} from ${from}`}
                title="Remove"
                @click=${() => onRemove(item)}
              >
                ×
              </button>
            </li>`,
        )}
      </ul>`;

/** An empty cell. */
export const missing = html`<span class="muted">—</span>`;

export interface SectionOptions {
  /** The heading's id (the section's name). */
  id: string;
  /** 1: a view's heading; 2: a part of a view. */
  level: 1 | 2;
  heading: TemplateResult | string;
  hint: TemplateResult | string;
  actions?: TemplateResult;
  /** What the section shows from the API: busy while it loads, its error shown. */
  loader: Pick<Loader<unknown>, 'loading' | 'error'>;
  /** `panel`: a card of its own; `part`: within one. */
  frame?: 'panel' | 'part';
  /** Above the heading (a link back). */
  above?: TemplateResult;
}

/** "← All roles": back to a list from an item's page. */
export const backLink = (route: Route, label: string) =>
  html`<p class="small"><a class="back-link" href=${hrefOf(route)}>← ${label}</a></p>`;

/** A view or a part of one: heading, explanation and buttons, the error of its last load, then `body`. */
export const section = (
  { id, level, heading, hint, actions, loader, frame = 'panel', above }: SectionOptions,
  body: unknown,
) =>
  html`<section
    class=${frame === 'panel' ? 'panel' : 'part'}
    aria-labelledby=${id}
    aria-busy=${loader.loading ? 'true' : 'false'}
  >
    ${above ?? nothing}
    <header class="panel-header">
      <div>
        ${level === 1 ? html`<h1 id=${id}>${heading}</h1>` : html`<h2 id=${id}>${heading}</h2>`}
        <p class="muted small">${hint}</p>
      </div>
      ${actions ? html`<div class="toolbar">${actions}</div>` : nothing}
    </header>
    <pg-error .error=${loader.error}></pg-error>
    ${body}
  </section>`;

/** A table, with a last column of row actions unless `actions` is false; the caption is for screen readers. */
export const table = (
  caption: string,
  columns: readonly string[],
  rows: readonly TemplateResult[],
  { actions = true } = {},
) =>
  html`<div class="table-wrap">
    <table class="table">
      <caption class="visually-hidden">
        ${caption}
      </caption>
      <thead>
        <tr>
          ${columns.map((column) => html`<th scope="col">${column}</th>`)}
          ${actions ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}
        </tr>
      </thead>
      <tbody>
        ${rows}
      </tbody>
    </table>
  </div>`;

/** A small row button; `name` says what it acts on, for screen readers ("Delete read:reports"). */
export const rowButton = (
  text: string,
  name: string,
  onClick: () => unknown,
  tone: 'secondary' | 'danger-quiet' = 'secondary',
) => html`<button class="${tone} small" aria-label=${name} @click=${onClick}>${text}</button>`;

/** A loaded list: "Loading …", the empty text, or the rendered list. */
export function listOf<T>(
  loader: Pick<Loader<readonly T[]>, 'value' | 'loading'>,
  what: string,
  empty: string | TemplateResult,
  render: (items: readonly T[]) => TemplateResult,
) {
  const items = loader.value;
  if (!items) return loader.loading ? html`<p class="loading">Loading ${what}…</p>` : nothing;
  return items.length === 0 ? html`<p class="empty">${empty}</p>` : render(items);
}

export interface PagerOptions {
  /** Names the navigation: "Pages of users". */
  label: string;
  page: number;
  total: number;
  pageSize: number;
  /** What is counted, singular: "user". */
  noun: string;
  loading: boolean;
  goTo: (page: number) => void;
}

/** Previous / "Page 2 of 5 · 93 users" / Next. */
export function pager({ label, page, total, pageSize, noun, loading, goTo }: PagerOptions) {
  const pages = pageCount(total, pageSize);
  return html`<nav class="pager" aria-label=${label}>
    <button class="secondary small" ?disabled=${page <= 1 || loading} @click=${() => goTo(page - 1)}>Previous</button>
    <span class="muted small" aria-live="polite">Page ${page} of ${pages} · ${countOf(total, noun)}</span>
    <button class="secondary small" ?disabled=${page >= pages || loading} @click=${() => goTo(page + 1)}>Next</button>
  </nav>`;
}
