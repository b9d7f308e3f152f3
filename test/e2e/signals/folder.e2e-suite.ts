// Every *.e2e-spec.ts of this folder, as one suite (see test/support/folder-suite.ts).
import { runFolder } from '../../support/folder-suite';

runFolder(__dirname);
