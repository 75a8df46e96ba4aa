/** The pats function: users and their personal access tokens (the USER# partition is theirs). */
import { createHandler } from '../shared/http/handler';
import * as pats from './operations';
import * as users from './users';

export const handler = createHandler('pats', 'management', { ...pats, ...users });
