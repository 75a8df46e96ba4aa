import { LitElement } from 'lit';
import { hrefOf, type Route } from '../route';

/**
 * Elements of this page render into the light DOM: one stylesheet styles the whole page, and forms,
 * labels and ids work across components the ordinary way.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}

let lastId = 0;
/** A document-unique id, for label/aria references between elements. */
export const uniqueId = (prefix: string) => `${prefix}-${++lastId}`;

/** Shows another view (a history entry, as a link would). */
export function routeTo(route: Route): void {
  location.hash = hrefOf(route);
}
