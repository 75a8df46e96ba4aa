/** Small pieces of markup shared by the views. */
import { html } from 'lit';
import { formatDateTime } from '../format';

/** A point in time as `text`, with the exact date and time on hover and in `datetime`. */
export const timeOf = (at: number, text: string) =>
  html`<time datetime=${new Date(at).toISOString()} title=${formatDateTime(at)}>${text}</time>`;

/** Scopes as chips. `null` puts no limit (a PAT's default); an empty list allows none. */
export function scopeList(scopes: readonly string[] | null) {
  if (scopes === null)
    return html`<span class="muted" title="No limit beyond the application’s and resource’s">any</span>`;
  if (scopes.length === 0) return html`<span class="muted">none</span>`;
  return html`<ul class="chips">
    ${scopes.map((scope) => html`<li class="chip mono">${scope}</li>`)}
  </ul>`;
}
