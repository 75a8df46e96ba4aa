/**
 * The PAT policy override of an application or an API resource: applied at the token exchange, it can only
 * tighten the deployment's policy (the stricter value applies). Durations are edited in days.
 */
import { html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { PatPolicyOverride } from '../../../client/types';
import { uniqueId } from './base';
import { FormDialog } from './dialogs';

const DAY = 86400;
const days = (seconds: number) => {
  const value = Math.round((seconds / DAY) * 1000) / 1000;
  return value === 1 ? '1 day' : `${value} days`;
};

export function patPolicySummary(override: PatPolicyOverride | null | undefined): string {
  const rules = [
    ...(override?.requireExpiry ? ['expiry required'] : []),
    ...(override?.maxLifetimeSeconds === undefined ? [] : [`max ${days(override.maxLifetimeSeconds)}`]),
    ...(override?.revokeUnusedAfterSeconds === undefined
      ? []
      : [`unused ≤ ${days(override.revokeUnusedAfterSeconds)}`]),
  ];
  return rules.length === 0 ? 'deployment’s' : rules.join(', ');
}

/** The fields, named for patPolicyFromForm; `current` fills them in. */
export function patPolicyFields(current: PatPolicyOverride | null | undefined) {
  const ids = { maxLifetime: uniqueId('pat-max-lifetime'), unused: uniqueId('pat-unused') };
  const inDays = (seconds: number | undefined) => (seconds === undefined ? '' : String(seconds / DAY));
  return html`<fieldset class="field">
    <legend>PAT policy <span class="muted">(optional; only tightens the deployment’s)</span></legend>
    <label class="checkbox">
      <input type="checkbox" name="patRequireExpiry" ?checked=${current?.requireExpiry === true} />
      <span>Require PATs to expire</span>
    </label>
    <label for=${ids.maxLifetime}>Maximum PAT age in days</label>
    <input
      id=${ids.maxLifetime}
      name="patMaxLifetimeDays"
      type="number"
      min="0.001"
      step="any"
      inputmode="decimal"
      .value=${inDays(current?.maxLifetimeSeconds)}
    />
    <label for=${ids.unused}>Refuse PATs unused for more than (days)</label>
    <input
      id=${ids.unused}
      name="patRevokeUnusedDays"
      type="number"
      min="0.001"
      step="any"
      inputmode="decimal"
      .value=${inDays(current?.revokeUnusedAfterSeconds)}
    />
  </fieldset>`;
}

/** The override the form's fields describe; null when they ask for nothing. */
export function patPolicyFromForm(data: FormData): PatPolicyOverride | null {
  const seconds = (name: string) => {
    const text = data.get(name)?.toString().trim() ?? '';
    return text === '' ? undefined : Math.round(Number(text) * DAY);
  };
  const override: PatPolicyOverride = {
    ...(data.has('patRequireExpiry') ? { requireExpiry: true } : {}),
    ...(seconds('patMaxLifetimeDays') === undefined ? {} : { maxLifetimeSeconds: seconds('patMaxLifetimeDays') }),
    ...(seconds('patRevokeUnusedDays') === undefined
      ? {}
      : { revokeUnusedAfterSeconds: seconds('patRevokeUnusedDays') }),
  };
  return Object.keys(override).length === 0 ? null : override;
}

export interface PatPolicyDialogOptions<T> {
  /** the application's or resource's name */
  subject: string;
  /** where the policy applies, e.g. "through this application" */
  scope: string;
  current: PatPolicyOverride | null | undefined;
  save: (override: PatPolicyOverride | null) => Promise<T>;
}

@customElement('pg-pat-policy-dialog')
class PatPolicyDialog<T> extends FormDialog<T> {
  @property({ attribute: false }) accessor options!: PatPolicyDialogOptions<T>;

  protected override get heading() {
    return `PAT policy of “${this.options.subject}”`;
  }
  protected override get submitLabel() {
    return 'Save PAT policy';
  }
  protected override get busyLabel() {
    return 'Saving…';
  }
  protected override renderBody() {
    return html`<p class="muted small">
        Checked at every token exchange ${this.options.scope}; a change takes effect within about 30 s. Empty fields
        leave the deployment’s rule.
      </p>
      ${patPolicyFields(this.options.current)}`;
  }
  protected override submit(form: HTMLFormElement) {
    return this.options.save(patPolicyFromForm(new FormData(form)));
  }
}

export function editPatPolicy<T>(options: PatPolicyDialogOptions<T>): Promise<T | undefined> {
  const dialog = new PatPolicyDialog<T>();
  dialog.options = options;
  return dialog.open();
}
