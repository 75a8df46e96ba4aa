/**
 * The organizations function: Logto's organizations, their members and members' organization roles, organization
 * scopes and roles, and a user's organizations. Apart from the admin function so that each bundle stays small.
 */
import { createHandler } from '../shared/http/handler';
import * as operations from './operations';

export const handler = createHandler('organizations', 'management', operations);
