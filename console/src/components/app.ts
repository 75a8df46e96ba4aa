/** The page's frame: header, navigation between the views, notices. */
import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { api } from '../api';
import { hrefOf, parseRoute, type Route, type View } from '../route';
import type { ConsoleConfig } from '../../shared/contract';
import { LightElement } from './base';
import './applications-view';
import './audit-view';
import './notices';
import './organizations-view';
import './resources-view';
import './roles-view';
import './try-it-view';
import './users-view';

const NAVIGATION: { view: View; label: string }[] = [
  { view: 'users', label: 'Users' },
  { view: 'roles', label: 'Roles' },
  { view: 'organizations', label: 'Organizations' },
  { view: 'applications', label: 'Applications' },
  { view: 'resources', label: 'API resources' },
  { view: 'audit', label: 'Audit' },
  { view: 'try', label: 'Try it' },
];

@customElement('pg-console')
export class ConsoleApp extends LightElement {
  @state() private accessor route: Route = parseRoute(location.hash);
  @state() private accessor config: ConsoleConfig | undefined = undefined;

  private readonly onHashChange = () => {
    const route = parseRoute(location.hash);
    const viewChanged = route.view !== this.route.view;
    this.route = route;
    if (viewChanged) void this.updateComplete.then(() => this.focusView());
  };

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHashChange);
    api.config().then(
      (config) => (this.config = config),
      () => undefined, // The views report an unreachable server themselves.
    );
  }

  override disconnectedCallback() {
    window.removeEventListener('hashchange', this.onHashChange);
    super.disconnectedCallback();
  }

  /** After navigating, start keyboard and screen reader users at the new view's heading. */
  private focusView() {
    const heading = this.querySelector<HTMLElement>(`[data-view="${this.route.view}"] h1`);
    heading?.setAttribute('tabindex', '-1');
    heading?.focus();
  }

  protected override updated() {
    const label = NAVIGATION.find((each) => each.view === this.route.view)?.label;
    document.title = `${label} · patgate console`;
  }

  override render() {
    const { view } = this.route;
    return html`
      <a class="skip-link" href="#main" @click=${this.skipToMain}>Skip to content</a>
      <header class="topbar">
        <div class="brand">
          <span class="logo" aria-hidden="true"></span>
          <span class="brand-name">patgate <span class="muted">console</span></span>
        </div>
        ${
          this.config
            ? html`<p
                class="endpoint"
                title="Management calls are signed with your AWS credentials by the console server"
              >
                <span class="visually-hidden">Connected to</span>
                <code class="mono">${this.config.apiEndpoint}</code>
                <span class="region">${this.config.region}</span>
              </p>`
            : nothing
        }
        <nav class="tabs" aria-label="Sections">
          ${NAVIGATION.map(
            (each) =>
              html`<a href=${hrefOf({ view: each.view })} aria-current=${each.view === view ? 'page' : 'false'}
                >${each.label}</a
              >`,
          )}
        </nav>
      </header>
      <main id="main" class="content">
        <div data-view="users" ?hidden=${view !== 'users'}>
          <pg-users
            ?active=${view === 'users'}
            .userId=${this.route.view === 'users' ? this.route.userId : undefined}
          ></pg-users>
        </div>
        <div data-view="roles" ?hidden=${view !== 'roles'}>
          <pg-roles
            ?active=${view === 'roles'}
            .roleId=${this.route.view === 'roles' ? this.route.roleId : undefined}
          ></pg-roles>
        </div>
        <div data-view="organizations" ?hidden=${view !== 'organizations'}>
          <pg-organizations
            ?active=${view === 'organizations'}
            .organizationId=${this.route.view === 'organizations' ? this.route.organizationId : undefined}
          ></pg-organizations>
        </div>
        <div data-view="applications" ?hidden=${view !== 'applications'}>
          <pg-applications ?active=${view === 'applications'}></pg-applications>
        </div>
        <div data-view="resources" ?hidden=${view !== 'resources'}>
          <pg-resources
            ?active=${view === 'resources'}
            .resourceId=${this.route.view === 'resources' ? this.route.resourceId : undefined}
          ></pg-resources>
        </div>
        <div data-view="audit" ?hidden=${view !== 'audit'}>
          <pg-audit ?active=${view === 'audit'}></pg-audit>
        </div>
        <div data-view="try" ?hidden=${view !== 'try'}>
          <pg-try-it ?active=${view === 'try'}></pg-try-it>
        </div>
      </main>
      <pg-notices></pg-notices>
    `;
  }

  /** The fragment is the router's: move focus without changing it. */
  private skipToMain(event: Event) {
    event.preventDefault();
    this.focusView();
  }
}
