// The folders test/setup/e2e-bundles.js lists under 'folders-c', as one suite in a whole run.
import { runBundle } from '../support/folder-suite';

runBundle('folders-c');
