import { createHandler } from '../shared/http/handler';
import * as operations from './operations';

export const handler = createHandler('pats', 'management', operations);
