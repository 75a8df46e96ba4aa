/** One API resource: its scopes, which roles grant to users; add, rename or describe, delete. */
import { html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { api, type Scope } from '../api';
import { formatDate } from '../format';
import { byName } from '../lists';
import { LightElement } from './base';
import { backLink, listOf, missing, rowButton, section, table, timeOf } from './fragments';
import { Loader } from './loader';
import { deleteNamed, editNamed, scopeFields } from './named';

@customElement('pg-resource')
export class ResourceView extends LightElement {
  /** From the route (`#/resources/{resourceId}`). */
  @property({ attribute: false }) accessor resourceId: string | undefined = undefined;
  private readonly page = new Loader(
    this,
    async () => {
      const id = this.resourceId!;
      const [resource, scopes] = await Promise.all([
        api.resources.get(id),
        api.call('listResourceScopes', { params: { id } }),
      ]);
      return { resource, scopes: byName(scopes) };
    },
    () => this.resourceId,
  );

  /** Creates a scope, or edits `scope`. */
  private edit(id: string, scope?: Scope) {
    return editNamed({
      kind: 'scope',
      item: scope,
      fields: scopeFields(scope),
      save: (body) =>
        scope
          ? api.call('updateResourceScope', { params: { id, scopeId: scope.id }, body })
          : api.call('createResourceScope', { params: { id }, body }),
      then: () => this.page.load(),
    });
  }

  private delete(id: string, scope: Scope) {
    return deleteNamed({
      kind: 'scope',
      name: scope.name,
      message: 'Roles that grant it grant it no more: tokens stop carrying it. This cannot be undone.',
      action: () => api.call('deleteResourceScope', { params: { id, scopeId: scope.id } }),
      then: () => this.page.load(),
    });
  }

  override render() {
    const id = this.resourceId;
    if (!id) return nothing;
    const resource = this.page.value?.resource;
    return section(
      {
        id: 'resource-heading',
        level: 1,
        above: backLink({ view: 'resources' }, 'All API resources'),
        heading: html`<span class="muted">API resource</span> <span class="break">${resource?.name ?? id}</span>`,
        hint: resource
          ? html`<code class="mono break">${resource.indicator}</code> · Scopes, which roles grant to users.`
          : 'Scopes, which roles grant to users.',
        actions: resource ? html`<button class="primary" @click=${() => this.edit(id)}>New scope</button>` : undefined,
        loader: this.page,
      },
      listOf(
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
      ),
    );
  }
}
