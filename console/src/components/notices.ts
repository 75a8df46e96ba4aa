/** Error messages and transient notices ("toasts"). */
import { html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { PatgateApiError } from '../api';
import { LightElement } from './base';

/** Shows an error as its message and, for API errors, the API's code. Renders nothing without one. */
@customElement('pg-error')
export class ErrorNotice extends LightElement {
  @property({ attribute: false }) accessor error: unknown = undefined;

  override render() {
    if (this.error === undefined) return nothing;
    const message = this.error instanceof Error ? this.error.message : String(this.error);
    return html`<div class="alert" role="alert">
      <span class="alert-message">${message}</span>
      ${this.error instanceof PatgateApiError ? html`<code class="alert-code">${this.error.code}</code>` : nothing}
    </div>`;
  }
}

const notices = new EventTarget();

/** A short confirmation of something that happened, announced politely to screen readers. */
export function notify(message: string): void {
  notices.dispatchEvent(new CustomEvent('notice', { detail: message }));
}

/**
 * After a dialog: when it did what it asked (its result, or a confirmation's `true`), says so and goes on
 * (`then`: reload, or show another view). Nothing when it was cancelled.
 */
export async function whenDone<Result>(
  outcome: Promise<Result | undefined>,
  message: string | ((result: Result) => string),
  then: (result: Result) => unknown,
): Promise<void> {
  const result = await outcome;
  if (result === undefined || result === false) return;
  notify(typeof message === 'string' ? message : message(result));
  await then(result);
}

const NOTICE_MS = 5000;

@customElement('pg-notices')
export class Notices extends LightElement {
  @state() private accessor messages: { id: number; text: string }[] = [];
  private nextId = 0;

  private readonly onNotice = (event: Event) => {
    const id = ++this.nextId;
    this.messages = [...this.messages, { id, text: (event as CustomEvent<string>).detail }];
    setTimeout(() => (this.messages = this.messages.filter((message) => message.id !== id)), NOTICE_MS);
  };

  override connectedCallback() {
    super.connectedCallback();
    notices.addEventListener('notice', this.onNotice);
  }

  override disconnectedCallback() {
    notices.removeEventListener('notice', this.onNotice);
    super.disconnectedCallback();
  }

  override render() {
    return html`<div class="notices" role="status" aria-live="polite">
      ${this.messages.map((message) => html`<p class="notice">${message.text}</p>`)}
    </div>`;
  }
}

/** A button that copies a value, and says so. */
@customElement('pg-copy-button')
export class CopyButton extends LightElement {
  @property() accessor value = '';
  @property() accessor label = 'Copy';
  /** Names what is copied, for screen readers: "Copy client id". */
  @property({ attribute: 'accessible-label' }) accessor accessibleLabel = '';
  @state() private accessor copied: 'yes' | 'failed' | undefined = undefined;
  private resetTimer: ReturnType<typeof setTimeout> | undefined;

  private async copy() {
    try {
      await navigator.clipboard.writeText(this.value);
      this.copied = 'yes';
    } catch {
      this.copied = 'failed';
    }
    clearTimeout(this.resetTimer);
    this.resetTimer = setTimeout(() => (this.copied = undefined), 2500);
  }

  override render() {
    const text =
      this.copied === 'yes' ? 'Copied' : this.copied === 'failed' ? 'Copy failed: select and press Ctrl+C' : this.label;
    return html`<button
        type="button"
        class="secondary small"
        aria-label=${this.accessibleLabel || nothing}
        @click=${this.copy}
      >
        ${text}
      </button>
      <span class="visually-hidden" aria-live="polite"
        >${this.copied === 'yes' ? 'Copied to the clipboard' : ''}</span
      >`;
  }
}
