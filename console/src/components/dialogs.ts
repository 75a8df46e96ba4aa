/**
 * Modal dialogs on the native <dialog> element: focus moves in and back, Escape cancels, the page
 * behind is inert. Each dialog is created on demand and removes itself when closed; `open()` resolves
 * with its outcome.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { LightElement, uniqueId } from './base';
import './notices';

/**
 * A dialog around one form whose submission runs an API call: while it runs the buttons are disabled
 * and Escape waits; a failure shows the API's message in the dialog and keeps the form as typed.
 */
export abstract class FormDialog<Result> extends LightElement {
  @state() protected accessor busy = false;
  @state() protected accessor error: unknown = undefined;
  protected abstract readonly heading: string;
  protected abstract readonly submitLabel: string;
  protected get busyLabel(): string {
    return 'Working…';
  }
  protected get tone(): 'primary' | 'danger' {
    return 'primary';
  }
  private readonly headingId = uniqueId('dialog-heading');
  private result: Result | undefined;
  private settle: ((result: Result | undefined) => void) | undefined;

  /** Shows the dialog; resolves with what `submit` returned, or `undefined` when it was cancelled. */
  open(): Promise<Result | undefined> {
    document.body.append(this);
    return new Promise((resolve) => (this.settle = resolve));
  }

  protected abstract renderBody(): TemplateResult | typeof nothing;
  /** Validates and performs the action; throws to show an error. */
  protected abstract submit(form: HTMLFormElement): Promise<Result>;

  private get dialog(): HTMLDialogElement {
    return this.querySelector('dialog')!;
  }

  protected override firstUpdated(): void {
    this.dialog.showModal();
  }

  private async onSubmit(event: SubmitEvent) {
    event.preventDefault();
    if (this.busy) return;
    this.busy = true;
    this.error = undefined;
    try {
      this.result = await this.submit(event.target as HTMLFormElement);
      this.dialog.close();
    } catch (error) {
      this.error = error;
    } finally {
      this.busy = false;
    }
  }

  private onCancel(event: Event) {
    if (this.busy) event.preventDefault();
  }

  private onClose() {
    this.remove();
    this.settle?.(this.result);
  }

  override render() {
    return html`<dialog
      class="dialog"
      aria-labelledby=${this.headingId}
      @cancel=${this.onCancel}
      @close=${this.onClose}
    >
      <form @submit=${this.onSubmit}>
        <h2 id=${this.headingId}>${this.heading}</h2>
        ${this.renderBody()}
        <pg-error .error=${this.error}></pg-error>
        <div class="dialog-actions">
          <button type="button" class="secondary" ?disabled=${this.busy} @click=${() => this.dialog.close()}>
            Cancel
          </button>
          <button type="submit" class=${this.tone} ?disabled=${this.busy} aria-busy=${this.busy ? 'true' : 'false'}>
            ${this.busy ? this.busyLabel : this.submitLabel}
          </button>
        </div>
      </form>
    </dialog>`;
  }
}

export interface ConfirmOptions {
  heading: string;
  message: TemplateResult | string;
  confirmLabel: string;
  busyLabel?: string;
  /** Runs on confirmation; the dialog stays open, with the error, when it fails. */
  action: () => Promise<void>;
}

@customElement('pg-confirm-dialog')
class ConfirmDialog extends FormDialog<true> {
  @property({ attribute: false }) accessor options!: ConfirmOptions;
  protected override get tone() {
    return 'danger' as const;
  }

  protected override get heading() {
    return this.options.heading;
  }
  protected override get submitLabel() {
    return this.options.confirmLabel;
  }
  protected override get busyLabel() {
    return this.options.busyLabel ?? 'Working…';
  }

  protected override renderBody() {
    return html`<p>${this.options.message}</p>`;
  }

  protected override async submit(): Promise<true> {
    await this.options.action();
    return true;
  }
}

/** Asks before a destructive action and performs it; resolves true once it succeeded. */
export async function confirmAction(options: ConfirmOptions): Promise<boolean> {
  const dialog = new ConfirmDialog();
  dialog.options = options;
  return (await dialog.open()) === true;
}

export interface PromptOptions {
  heading: string;
  label: string;
  value: string;
  submitLabel: string;
  busyLabel?: string;
  action: (value: string) => Promise<void>;
}

@customElement('pg-prompt-dialog')
class PromptDialog extends FormDialog<string> {
  @property({ attribute: false }) accessor options!: PromptOptions;
  private readonly inputId = uniqueId('prompt');

  protected override get heading() {
    return this.options.heading;
  }
  protected override get submitLabel() {
    return this.options.submitLabel;
  }
  protected override get busyLabel() {
    return this.options.busyLabel ?? 'Saving…';
  }

  protected override renderBody() {
    return html`<div class="field">
      <label for=${this.inputId}>${this.options.label}</label>
      <input id=${this.inputId} name="value" required autocomplete="off" autofocus .value=${this.options.value} />
    </div>`;
  }

  protected override async submit(form: HTMLFormElement): Promise<string> {
    const value = (form.elements.namedItem('value') as HTMLInputElement).value;
    await this.options.action(value);
    return value;
  }
}

/** Asks for one value and performs the action with it; resolves with the value once it succeeded. */
export function promptText(options: PromptOptions): Promise<string | undefined> {
  const dialog = new PromptDialog();
  dialog.options = options;
  return dialog.open();
}

export interface SecretOptions {
  heading: string;
  label: string;
  value: string;
  /** What the value is for, shown under it. */
  hint?: TemplateResult | string;
}

/** Shows a secret the API returns only once, with a copy button and a plain warning. */
@customElement('pg-secret-dialog')
class SecretDialog extends LightElement {
  @property({ attribute: false }) accessor options!: SecretOptions;
  private readonly headingId = uniqueId('secret-heading');
  private readonly valueId = uniqueId('secret-value');
  private readonly warningId = uniqueId('secret-warning');
  private settle: (() => void) | undefined;

  open(): Promise<void> {
    document.body.append(this);
    return new Promise((resolve) => (this.settle = resolve));
  }

  protected override firstUpdated(): void {
    this.querySelector('dialog')!.showModal();
  }

  private onClose() {
    this.remove();
    this.settle?.();
  }

  override render() {
    const { heading, label, value, hint } = this.options;
    return html`<dialog
      class="dialog"
      aria-labelledby=${this.headingId}
      aria-describedby=${this.warningId}
      @close=${this.onClose}
    >
      <form method="dialog">
        <h2 id=${this.headingId}>${heading}</h2>
        <p class="warning" id=${this.warningId}>
          <strong>Copy it now: you won’t see this again.</strong> patgate keeps only a hash of it.
        </p>
        <div class="field">
          <label for=${this.valueId}>${label}</label>
          <div class="input-with-button">
            <input id=${this.valueId} class="secret-value mono" readonly .value=${value} @focus=${selectAll} />
            <pg-copy-button .value=${value} accessible-label=${`Copy ${label.toLowerCase()}`}></pg-copy-button>
          </div>
          ${hint ? html`<p class="hint">${hint}</p>` : nothing}
        </div>
        <div class="dialog-actions">
          <button type="submit" class="primary">Done</button>
        </div>
      </form>
    </dialog>`;
  }
}

const selectAll = (event: FocusEvent) => (event.target as HTMLInputElement).select();

export function showSecretOnce(options: SecretOptions): Promise<void> {
  const dialog = new SecretDialog();
  dialog.options = options;
  return dialog.open();
}
