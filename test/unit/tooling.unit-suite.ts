// The unit specs test/setup/unit-bundles.js puts in 'tooling', as one suite in a whole run.
import { runUnitBundle } from '../support/unit-suite';

runUnitBundle('tooling');
