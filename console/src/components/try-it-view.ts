/**
 * "Try it": exchange a PAT the way a CI job would, then check the access token the way a resource server
 * would (decoded claims; signature against the JWKS, issuer, type, audience, expiry).
 */
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { api, PatgateApiError, type ApiResource, type Application, type TokenResponse } from '../api';
import { formatDateTime, toggleScope, parseScopes } from '../format';
import { sessionSecrets } from '../session';
import { inspectAccessToken, type TokenInspection } from '../token';
import { LightElement } from './base';
import './notices';

type Outcome =
  | { ok: true; token: TokenResponse; inspection: TokenInspection; audience: string | undefined }
  | { ok: false; error: unknown };

/** Claims that are times (seconds since the epoch), shown with a readable date too. */
const TIME_CLAIMS = new Set(['iat', 'exp', 'nbf', 'auth_time']);

@customElement('pg-try-it')
export class TryItView extends LightElement {
  /** Loads the applications and resources (again) whenever the view is shown. */
  @property({ type: Boolean }) accessor active = false;
  @state() private accessor applications: Application[] = [];
  @state() private accessor resources: ApiResource[] = [];
  @state() private accessor oidcScopes: string[] = [];
  @state() private accessor loadError: unknown = undefined;
  @state() private accessor clientId = '';
  @state() private accessor clientSecret = '';
  @state() private accessor resource = '';
  @state() private accessor scope = '';
  @state() private accessor showPat = false;
  @state() private accessor running = false;
  @state() private accessor outcome: Outcome | undefined = undefined;

  protected override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('active') && this.active) void this.load();
  }

  private async load() {
    try {
      const [applications, resources, discovery] = await Promise.all([
        api.applications.list(),
        api.resources.list(),
        api.oidc.discovery(),
      ]);
      this.applications = applications.sort((left, right) => left.name.localeCompare(right.name));
      this.resources = resources.sort((left, right) => left.name.localeCompare(right.name));
      this.oidcScopes = discovery.scopes_supported;
      this.loadError = undefined;
      if (!this.applications.some((app) => app.id === this.clientId)) {
        this.selectApplication(this.applications.find((app) => app.customClientMetadata.allowTokenExchange)?.id ?? '');
      }
      if (!this.resources.some((each) => each.indicator === this.resource)) this.resource = '';
    } catch (error) {
      this.loadError = error;
    }
  }

  private get application(): Application | undefined {
    return this.applications.find((app) => app.id === this.clientId);
  }

  private selectApplication(clientId: string) {
    this.clientId = clientId;
    this.clientSecret = sessionSecrets.get(clientId) ?? '';
  }

  private selectResource(indicator: string) {
    this.resource = indicator;
    this.scope = '';
  }

  private async exchange(event: SubmitEvent) {
    event.preventDefault();
    const app = this.application;
    if (!app || this.running) return;
    const pat = new FormData(event.target as HTMLFormElement).get('pat')!.toString().trim();
    this.running = true;
    this.outcome = undefined;
    try {
      const result = await api.oidc.exchange({
        pat,
        clientId: app.id,
        clientSecret: app.isConfidential ? this.clientSecret : undefined,
        resource: this.resource || undefined,
        scope: parseScopes(this.scope).join(' ') || undefined,
      });
      const audience = this.resource || undefined;
      this.outcome = result.ok
        ? { ...result, audience, inspection: await inspectAccessToken(result.token.access_token, audience) }
        : result;
    } catch (error) {
      this.outcome = { ok: false, error };
    } finally {
      this.running = false;
    }
  }

  override render() {
    const app = this.application;
    const resource = this.resources.find((each) => each.indicator === this.resource);
    const suggestions = resource ? resource.scopes : this.oidcScopes;
    const chosen = new Set(parseScopes(this.scope));
    return html`<section class="panel" aria-labelledby="try-heading">
        <header class="panel-header">
          <div>
            <h1 id="try-heading">Try it</h1>
            <p class="muted small">
              Exchange a personal access token as a CI job would, then check the access token as a resource server
              would.
            </p>
          </div>
        </header>
        <pg-error .error=${this.loadError}></pg-error>
        <form class="try-form" @submit=${this.exchange}>
          <div class="field span-2">
            <label for="try-pat">Personal access token</label>
            <div class="input-with-button">
              <input
                id="try-pat"
                name="pat"
                class="mono"
                type=${this.showPat ? 'text' : 'password'}
                required
                autocomplete="off"
                spellcheck="false"
                placeholder="pat_…"
              />
              <button
                type="button"
                class="secondary small"
                aria-pressed=${this.showPat ? 'true' : 'false'}
                @click=${() => (this.showPat = !this.showPat)}
              >
                ${this.showPat ? 'Hide' : 'Show'}
              </button>
            </div>
          </div>
          <div class="field">
            <label for="try-app">Application</label>
            <select
              id="try-app"
              required
              @change=${(event: Event) => this.selectApplication((event.target as HTMLSelectElement).value)}
            >
              <option value="" ?selected=${!app} disabled>Choose an application</option>
              ${this.applications.map(
                (each) =>
                  html`<option value=${each.id} ?selected=${each.id === this.clientId}>
                    ${each.name}${each.customClientMetadata.allowTokenExchange ? '' : ' (token exchange off)'}
                  </option>`,
              )}
            </select>
          </div>
          ${
            app?.isConfidential
              ? html`<div class="field">
                  <label for="try-secret">Client secret</label>
                  <input
                    id="try-secret"
                    type="password"
                    class="mono"
                    required
                    autocomplete="off"
                    .value=${this.clientSecret}
                    @input=${(event: Event) => (this.clientSecret = (event.target as HTMLInputElement).value)}
                  />
                  <p class="hint">
                    ${
                      sessionSecrets.get(app.id)
                        ? 'Filled in from when you created the application in this tab.'
                        : app.name === 'Demo application' // created by `npm start` (local/service.ts)
                          ? html`Shown once when the application was created. The local service's demo application:
                              <code>demoApplication.clientSecret</code> in <code>.local/dev.json</code>.`
                          : 'Shown once when the application was created.'
                    }
                  </p>
                </div>`
              : app
                ? html`<div class="field">
                    <span class="label">Client authentication</span>
                    <p class="hint">A public client: its id alone.</p>
                  </div>`
                : nothing
          }
          <div class="field">
            <label for="try-resource">API resource</label>
            <select
              id="try-resource"
              @change=${(event: Event) => this.selectResource((event.target as HTMLSelectElement).value)}
            >
              <option value="" ?selected=${!resource}>None (OpenID Connect scopes)</option>
              ${this.resources.map(
                (each) =>
                  html`<option value=${each.indicator} ?selected=${each.indicator === this.resource}>
                    ${each.name}
                  </option>`,
              )}
            </select>
          </div>
          <div class="field">
            <label for="try-scope">Scopes <span class="muted">(optional)</span></label>
            <input
              id="try-scope"
              class="mono"
              autocomplete="off"
              spellcheck="false"
              .value=${this.scope}
              @input=${(event: Event) => (this.scope = (event.target as HTMLInputElement).value)}
              aria-describedby="try-scope-hint"
            />
            <p class="hint" id="try-scope-hint">Separated by spaces. Empty: every scope the token may have.</p>
            ${
              suggestions.length === 0
                ? nothing
                : html`<div class="chips" role="group" aria-label="Add or remove a scope">
                    ${suggestions.map(
                      (scope) =>
                        html`<button
                          type="button"
                          class="chip toggle mono"
                          aria-pressed=${chosen.has(scope) ? 'true' : 'false'}
                          @click=${() => (this.scope = toggleScope(this.scope, scope))}
                        >
                          ${scope}
                        </button>`,
                    )}
                  </div>`
            }
          </div>
          <div class="form-actions span-2">
            <button
              type="submit"
              class="primary"
              ?disabled=${this.running || !app}
              aria-busy=${this.running ? 'true' : 'false'}
            >
              ${this.running ? 'Exchanging…' : 'Exchange'}
            </button>
          </div>
        </form>
      </section>
      <section class="panel result" aria-labelledby="try-result-heading" aria-live="polite" ?hidden=${!this.outcome}>
        <h2 id="try-result-heading">Result</h2>
        ${this.outcome ? this.renderOutcome(this.outcome) : nothing}
      </section>`;
  }

  private renderOutcome(outcome: Outcome) {
    if (!outcome.ok) {
      const status =
        outcome.error instanceof PatgateApiError && outcome.error.status ? ` (HTTP ${outcome.error.status})` : '';
      return html`<p class="muted small">The exchange failed${status}:</p>
        <pg-error .error=${outcome.error}></pg-error>`;
    }
    const { token, inspection, audience } = outcome;
    const { verification } = inspection;
    return html`
      ${
        verification.ok
          ? html`<p class="verdict ok" data-testid="verification">
              <strong>Verified</strong> against the JWKS: signature (${verification.alg}, key
              <code class="mono">${verification.kid}</code>), issuer, type
              <code>at+jwt</code>${audience ? html`, audience <code class="mono">${audience}</code>` : ''} and expiry.
            </p>`
          : html`<p class="verdict failed" data-testid="verification">
              <strong>Does not verify:</strong> ${verification.reason}
            </p>`
      }
      <dl class="facts">
        <div>
          <dt>Token type</dt>
          <dd>${token.token_type}</dd>
        </div>
        <div>
          <dt>Expires in</dt>
          <dd>${token.expires_in} s</dd>
        </div>
        <div>
          <dt>Granted scopes</dt>
          <dd class="mono">${token.scope ?? html`<span class="muted">none</span>`}</dd>
        </div>
      </dl>
      <h3>Claims</h3>
      <div class="table-wrap">
        <table class="table claims">
          <caption class="visually-hidden">
            Access token claims
          </caption>
          <tbody>
            ${Object.entries(inspection.claims).map(
              ([claim, value]) =>
                html`<tr>
                  <th scope="row" class="mono">${claim}</th>
                  <td class="mono break" data-claim=${claim}>
                    ${typeof value === 'string' ? value : JSON.stringify(value)}
                    ${
                      TIME_CLAIMS.has(claim) && typeof value === 'number'
                        ? html`<span class="muted small">(${formatDateTime(value * 1000)})</span>`
                        : nothing
                    }
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h3>Header</h3>
      <pre class="code">${JSON.stringify(inspection.header, null, 2)}</pre>
      <div class="form-actions">
        <pg-copy-button .value=${token.access_token} label="Copy access token"></pg-copy-button>
      </div>
    `;
  }
}
