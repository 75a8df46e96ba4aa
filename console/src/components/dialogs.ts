/**
 * Modal dialogs on the native <dialog> element: focus moves in and back, Escape cancels, the page
 * behind is inert. Each dialog is created on demand and removes itself when closed; `open()` resolves
 * with its outcome.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import type { Choice } from '../lists';
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
  /** Whether there is anything to submit yet. */
  protected get ready(): boolean {
    return true;
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
          <button
            type="submit"
            class=${this.tone}
            ?disabled=${this.busy || !this.ready}
            aria-busy=${this.busy ? 'true' : 'false'}
          >
            ${this.busy ? this.busyLabel : this.submitLabel}
          </button>
        </div>
      </form>
    </dialog>`;
  }
}

/** What a dialog says: its heading and its submit button's label, and that label while the action runs. */
interface DialogText {
  heading: string;
  submitLabel: string;
  busyLabel?: string;
}

/** A form dialog whose texts come with its options. */
abstract class OptionsDialog<Result, Options extends DialogText> extends FormDialog<Result> {
  @property({ attribute: false }) accessor options!: Options;

  protected override get heading() {
    return this.options.heading;
  }
  protected override get submitLabel() {
    return this.options.submitLabel;
  }
  protected override get busyLabel() {
    return this.options.busyLabel ?? 'Saving…';
  }

  /** Shows the dialog with these options. */
  static show<Result, Options extends DialogText>(
    dialog: OptionsDialog<Result, Options>,
    options: Options,
  ): Promise<Result | undefined> {
    dialog.options = options;
    return dialog.open();
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
class ConfirmDialog extends OptionsDialog<true, DialogText & Pick<ConfirmOptions, 'message' | 'action'>> {
  protected override get tone() {
    return 'danger' as const;
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
export async function confirmAction({ confirmLabel, busyLabel, ...options }: ConfirmOptions): Promise<boolean> {
  const confirmed = await OptionsDialog.show(new ConfirmDialog(), {
    ...options,
    submitLabel: confirmLabel,
    busyLabel: busyLabel ?? 'Working…',
  });
  return confirmed === true;
}

export interface Field {
  /** The key of the field's value in what `action` gets. */
  name: string;
  label: string;
  value?: string;
  /** Required unless false; an optional field says so in its label. */
  required?: boolean;
  maxLength?: number;
  /** A rule the browser checks before submitting, with `title` explaining it. */
  pattern?: string;
  title?: string;
  hint?: string | TemplateResult;
  /** Names and codes: no spelling correction, monospace. */
  code?: boolean;
  /** `number`: whole numbers from `min` to `max`. */
  type?: 'text' | 'url' | 'email' | 'number';
  min?: number;
  max?: number;
  placeholder?: string;
}

export interface FieldsOptions<Result> extends DialogText {
  fields: readonly Field[];
  /** Gets the values as typed, trimmed; runs on submission, the dialog showing its error until it succeeds. */
  action: (values: Record<string, string>) => Promise<Result>;
}

@customElement('pg-fields-dialog')
class FieldsDialog<Result> extends OptionsDialog<Result, FieldsOptions<Result>> {
  private readonly idPrefix = uniqueId('field');

  protected override renderBody() {
    return html`${this.options.fields.map((field, index) => {
      const id = `${this.idPrefix}-${field.name}`;
      const required = field.required ?? true;
      return html`<div class="field">
        <label for=${id}>${field.label}${required ? nothing : html` <span class="muted">(optional)</span>`}</label>
        <input
          id=${id}
          name=${field.name}
          type=${field.type ?? 'text'}
          class=${field.code ? 'mono' : nothing}
          ?required=${required}
          ?autofocus=${index === 0}
          autocomplete="off"
          spellcheck=${field.code ? 'false' : nothing}
          maxlength=${field.maxLength ?? nothing}
          pattern=${field.pattern ?? nothing}
          title=${field.title ?? nothing}
          min=${field.min ?? nothing}
          max=${field.max ?? nothing}
          step=${field.type === 'number' ? '1' : nothing}
          inputmode=${field.type === 'number' ? 'numeric' : nothing}
          placeholder=${field.placeholder ?? nothing}
          .value=${field.value ?? ''}
        />
        ${field.hint ? html`<p class="hint">${field.hint}</p>` : nothing}
      </div>`;
    })}`;
  }

  protected override submit(form: HTMLFormElement): Promise<Result> {
    const data = new FormData(form);
    const values = Object.fromEntries(
      this.options.fields.map((field) => [field.name, (data.get(field.name) ?? '').toString().trim()]),
    );
    return this.options.action(values);
  }
}

/** Asks for a few text values and performs the action with them; resolves with its result once it succeeded. */
export function askFields<Result>(options: FieldsOptions<Result>): Promise<Result | undefined> {
  return OptionsDialog.show(new FieldsDialog<Result>(), options);
}

export interface PromptOptions {
  heading: string;
  label: string;
  value: string;
  submitLabel: string;
  busyLabel?: string;
  action: (value: string) => Promise<void>;
}

/** Asks for one value and performs the action with it; resolves with the value once it succeeded. */
export function promptText(options: PromptOptions): Promise<string | undefined> {
  return askFields({
    ...options,
    fields: [{ name: 'value', label: options.label, value: options.value }],
    action: async ({ value }) => {
      await options.action(value!);
      return value!;
    },
  });
}

export interface ChooseOptions<Result> extends DialogText {
  /** The picker's label: "Role". */
  label: string;
  /** Loads the choices as the dialog opens; `group`: the first picker's choice, when there is one. */
  choices: (group: string) => Promise<readonly Choice[]>;
  /** A first picker (its label, its choices): what it picks decides the second picker's choices. */
  groups?: { label: string; choices: () => Promise<readonly Choice[]> };
  /** Said instead of a picker with nothing to choose. */
  empty: string;
  action: (value: string) => Promise<Result>;
}

@customElement('pg-choose-dialog')
class ChooseDialog<Result> extends OptionsDialog<Result, ChooseOptions<Result>> {
  /** The first picker's choices, once loaded. */
  @state() private accessor groups: readonly Choice[] | undefined = undefined;
  /** The picker's choices (for the group chosen), once loaded. */
  @state() private accessor choices: readonly Choice[] | undefined = undefined;
  /** The group whose choices are shown or loading; a load for another one that ends later is dropped. */
  private group = '';
  private readonly ids = { group: uniqueId('choose-group'), choice: uniqueId('choose') };

  override connectedCallback(): void {
    super.connectedCallback();
    void this.loadGroups().then(async () => {
      // The pickers were not there when the dialog opened and focused its first control.
      await this.updateComplete;
      this.querySelector('select')?.focus();
    });
  }

  private async loadGroups() {
    if (!this.options.groups) return this.chooseGroup('');
    try {
      this.groups = await this.options.groups.choices();
    } catch (error) {
      this.error = error;
      return;
    }
    if (this.groups.length > 0) await this.chooseGroup(this.groups[0]!.value);
  }

  private async chooseGroup(group: string) {
    this.group = group;
    this.choices = undefined;
    try {
      const choices = await this.options.choices(group);
      if (group !== this.group) return;
      this.choices = choices;
      this.error = undefined;
    } catch (error) {
      if (group === this.group) this.error = error;
    }
  }

  protected override renderBody() {
    const { groups, label, empty } = this.options;
    const loading = html`<p class="loading">Loading…</p>`;
    if (groups && this.groups?.length === 0) return html`<p class="empty">${empty}</p>`;
    return html`${
      groups
        ? this.groups === undefined
          ? loading
          : html`<div class="field">
              <label for=${this.ids.group}>${groups.label}</label>
              <select id=${this.ids.group} autofocus @change=${this.onGroup}>
                ${this.groups.map((group) => html`<option value=${group.value}>${group.label}</option>`)}
              </select>
            </div>`
        : nothing
    }
    ${
      this.choices === undefined
        ? this.error === undefined && (!groups || this.groups)
          ? loading
          : nothing
        : this.choices.length === 0
          ? html`<p class="empty">${empty}</p>`
          : html`<div class="field">
              <label for=${this.ids.choice}>${label}</label>
              <select id=${this.ids.choice} name="choice" required ?autofocus=${!groups}>
                ${this.choices.map((choice) => html`<option value=${choice.value}>${choice.label}</option>`)}
              </select>
            </div>`
    }`;
  }

  protected override get ready() {
    return (this.choices?.length ?? 0) > 0;
  }

  private onGroup(event: Event) {
    void this.chooseGroup((event.target as HTMLSelectElement).value);
  }

  protected override submit(form: HTMLFormElement): Promise<Result> {
    return this.options.action(new FormData(form).get('choice')!.toString());
  }
}

/** Asks to pick one of the choices and performs the action with it; resolves with its result once it succeeded. */
export function choose<Result>(options: ChooseOptions<Result>): Promise<Result | undefined> {
  return OptionsDialog.show(new ChooseDialog<Result>(), options);
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
