// The unit specs test/setup/unit-bundles.js puts in 'packages', as one suite in a whole run.
import { runUnitBundle } from '../support/unit-suite';

runUnitBundle('packages');
