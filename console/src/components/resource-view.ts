/** One API resource: its scopes, which roles grant to users; add, rename or describe, delete. */
import { html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type Scope } from '../api';
import { formatDate } from '../format';
import { byName, optionalText } from '../lists';
import { hrefOf } from '../route';
import { LightElement } from './base';
import { askFields, confirmAction } from './dialogs';
import { scopeFields } from './fields';
import { listOf, missing, panelHeader, rowButton, table, timeOf } from './fragments';
import { Loader } from './loader';
import { notify } from './notices';

@customElement('pg-resource')
export class ResourceView extends LightElement {
  /** From the route (`#/resources/{resourceId}`). */
  @property({ attribute: false }) accessor resourceId: string | undefined = undefined;
  private readonly page = new Loader(this, async () => {
    const id = this.resourceId!;
    const [resource, scopes] = await Promise.all([
      api.resources.get(id),
      api.call('listResourceScopes', { params: { id } }),
    ]);
    return { resource, scopes: byName(scopes) };
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('resourceId')) {
      this.page.clear();
      if (this.resourceId) void this.page.load();
    }
  }

  private async create(id: string) {
    const created = await askFields({
      heading: 'New scope',
      fields: scopeFields(),
      submitLabel: 'Create scope',
      busyLabel: 'Creating…',
      action: ({ name, description }) =>
        api.call('createResourceScope', {
          params: { id },
          body: { name: name!, description: optionalText(description!) },
        }),
    });
    if (!created) return;
    notify(`Created the scope “${created.name}”.`);
    await this.page.load();
  }

  private async edit(id: string, scope: Scope) {
    const updated = await askFields({
      heading: `Edit “${scope.name}”`,
      fields: scopeFields(scope),
      submitLabel: 'Save scope',
      action: ({ name, description }) =>
        api.call('updateResourceScope', {
          params: { id, scopeId: scope.id },
          body: { name: name!, description: optionalText(description!) },
        }),
    });
    if (!updated) return;
    notify(`Saved the scope “${updated.name}”.`);
    await this.page.load();
  }

  private async delete(id: string, scope: Scope) {
    const deleted = await confirmAction({
      heading: `Delete the scope “${scope.name}”?`,
      message: 'Roles that grant it grant it no more: tokens stop carrying it. This cannot be undone.',
      confirmLabel: 'Delete scope',
      busyLabel: 'Deleting…',
      action: () => api.call('deleteResourceScope', { params: { id, scopeId: scope.id } }),
    });
    if (!deleted) return;
    notify(`Deleted the scope “${scope.name}”.`);
    await this.page.load();
  }

  override render() {
    const id = this.resourceId;
    if (!id) return nothing;
    const resource = this.page.value?.resource;
    return html`<section
      class="panel"
      aria-labelledby="resource-heading"
      aria-busy=${this.page.loading ? 'true' : 'false'}
    >
      <p class="small"><a class="back-link" href=${hrefOf({ view: 'resources' })}>← All API resources</a></p>
      ${panelHeader(
        html`<h1 id="resource-heading">
          <span class="muted">API resource</span> <span class="break">${resource?.name ?? id}</span>
        </h1>`,
        resource
          ? html`<code class="mono break">${resource.indicator}</code> · Scopes, which roles grant to users.`
          : 'Scopes, which roles grant to users.',
        resource ? html`<button class="primary" @click=${() => this.create(id)}>New scope</button>` : undefined,
      )}
      <pg-error .error=${this.page.error}></pg-error>
      ${listOf(
        { value: this.page.value?.scopes, loading: this.page.loading },
        'scopes',
        'No scopes yet. Create one with “New scope”, then grant it through a role.',
        (scopes) =>
          table(
            `Scopes of ${resource?.name ?? id}`,
            ['Scope', 'Description', 'Created'],
            scopes.map(
              (scope) =>
                html`<tr>
                  <th scope="row" data-label="Scope" class="name mono">${scope.name}</th>
                  <td data-label="Description">${scope.description ?? missing}</td>
                  <td data-label="Created">${timeOf(scope.createdAt, formatDate(scope.createdAt))}</td>
                  <td class="row-actions">
                    ${rowButton('Edit', `Edit ${scope.name}`, () => this.edit(id, scope))}
                    ${rowButton('Delete', `Delete ${scope.name}`, () => this.delete(id, scope), 'danger-quiet')}
                  </td>
                </tr>`,
            ),
          ),
      )}
    </section>`;
  }
}
