/**
 * Creating, editing and deleting what has a name and a description (roles, organizations, their roles and
 * scopes, resource scopes): the same dialogs and notices, said with the thing's kind ("organization role").
 */
import type { TemplateResult } from 'lit';
import { optionalText } from '../lists';
import { askFields, confirmAction, type Field } from './dialogs';
import { whenDone } from './notices';

export interface Named {
  name: string;
  description: string | null;
}

/** A name (up to 128 characters) and a description, optional unless `descriptionRequired` (roles: Logto's rule). */
export const namedFields = (item?: Named, { descriptionRequired = false } = {}): Field[] => [
  { name: 'name', label: 'Name', value: item?.name, maxLength: 128 },
  {
    name: 'description',
    label: 'Description',
    value: item?.description ?? '',
    required: descriptionRequired,
    maxLength: 2048,
  },
];

/** A scope token (no whitespace: the API says `scope.name_with_space` otherwise) and a description. */
export const scopeFields = (scope?: Named): Field[] => [
  {
    name: 'name',
    label: 'Name',
    value: scope?.name,
    code: true,
    maxLength: 256,
    pattern: '\\S+',
    title: 'One word, without spaces, e.g. read:reports',
    hint: 'As tokens carry it in their scope.',
  },
  { name: 'description', label: 'Description', value: scope?.description ?? '', required: false, maxLength: 2048 },
];

export interface EditNamedOptions<Saved extends { name: string }> {
  /** "role", "organization scope". */
  kind: string;
  /** The one to edit; a new one without. */
  item?: Named;
  fields: Field[];
  /** Creates or updates it; a blank description is null. */
  save: (body: { name: string; description: string | null }) => Promise<Saved>;
  /** After it is saved: reload, or show it. */
  then: (saved: Saved) => unknown;
}

/** Asks for a new one's or an existing one's name and description, saves them, says so and goes on. */
export function editNamed<Saved extends { name: string }>({ kind, item, fields, save, then }: EditNamedOptions<Saved>) {
  const saved = askFields({
    heading: item ? `Edit the ${kind} “${item.name}”` : `New ${kind}`,
    fields,
    submitLabel: item ? `Save ${kind}` : `Create ${kind}`,
    busyLabel: item ? 'Saving…' : 'Creating…',
    action: ({ name, description }) => save({ name: name!, description: optionalText(description!) }),
  });
  return whenDone(saved, (each) => `${item ? 'Saved' : 'Created'} the ${kind} “${each.name}”.`, then);
}

export interface DeleteNamedOptions {
  kind: string;
  name: string;
  /** What deleting it does. */
  message: string | TemplateResult;
  action: () => Promise<void>;
  then: () => unknown;
}

/** Asks before deleting, deletes, says so and goes on. */
export function deleteNamed({ kind, name, message, action, then }: DeleteNamedOptions) {
  const deleted = confirmAction({
    heading: `Delete the ${kind} “${name}”?`,
    message,
    confirmLabel: `Delete ${kind}`,
    busyLabel: 'Deleting…',
    action,
  });
  return whenDone(deleted, `Deleted the ${kind} “${name}”.`, then);
}
