/**
 * The rule for names people read and tell apart: PAT names, application and resource names (user names later).
 * A name is normalised to NFC, so that the composed and decomposed spellings of one name are one name, and
 * refused when it could pass for another: bidirectional controls reorder what is shown (U+202E makes
 * "ci‮txt.exe" read backwards), zero-width characters make two names look identical, and a blank name
 * shows as nothing. Pure: no I/O, no dependency but zod/mini for the schema checks.
 */
import * as z from 'zod/mini';

/** U+202A–U+202E (embeddings, overrides), U+2066–U+2069 (isolates), U+200E/U+200F (marks), U+061C (Arabic mark). */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/u;
/** U+200B–U+200D (zero-width space, non-joiner, joiner), U+2060 (word joiner), U+FEFF (zero-width no-break space, BOM). */
const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/u;
const BLANK = /^\p{White_Space}*$/u;

export const DISPLAY_NAME_MESSAGES = {
  bidiControl:
    'name must not contain bidirectional control characters (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)',
  zeroWidth: 'name must not contain zero-width characters (U+200B–U+200D, U+2060, U+FEFF)',
  blank: 'name must not be empty or only whitespace',
} as const;

export const normalizeDisplayName = (name: string): string => name.normalize('NFC');

/** What is wrong with a name (after NFC normalisation), or undefined when nothing is. */
export function displayNameProblem(name: string): string | undefined {
  const normalized = normalizeDisplayName(name);
  if (BIDI_CONTROL.test(normalized)) return DISPLAY_NAME_MESSAGES.bidiControl;
  if (ZERO_WIDTH.test(normalized)) return DISPLAY_NAME_MESSAGES.zeroWidth;
  if (BLANK.test(normalized)) return DISPLAY_NAME_MESSAGES.blank;
  return undefined;
}

/** The plain function: the name to store (NFC), or why it is refused. */
export function parseDisplayName(name: string): { ok: true; name: string } | { ok: false; message: string } {
  const problem = displayNameProblem(name);
  return problem === undefined ? { ok: true, name: normalizeDisplayName(name) } : { ok: false, message: problem };
}

/**
 * The same rule as zod checks, for `z.string().check(...displayNameChecks, …)`: NFC first (an overwrite, so the
 * schema's output is the normalised name and the checks after it see that), then one refinement per problem.
 * Overwrites and refinements leave the JSON Schema (OpenAPI) of the string as it is.
 */
export const displayNameChecks = [
  z.overwrite(normalizeDisplayName),
  z.refine<string>((name) => !BIDI_CONTROL.test(name), DISPLAY_NAME_MESSAGES.bidiControl),
  z.refine<string>((name) => !ZERO_WIDTH.test(name), DISPLAY_NAME_MESSAGES.zeroWidth),
  z.refine<string>((name) => !BLANK.test(name), DISPLAY_NAME_MESSAGES.blank),
] as const;
