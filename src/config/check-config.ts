/**
 * `npm start` runs this before it starts the database or the service: a bad environment ends
 * there, every invalid variable on a line of its own.
 */
import { loadConfigOrExit } from './load-config';

loadConfigOrExit();
