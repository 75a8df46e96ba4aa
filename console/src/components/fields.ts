/** The forms' fields for what has a name and a description: roles, organizations, scopes. */
import type { Field } from './dialogs';

interface Named {
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
