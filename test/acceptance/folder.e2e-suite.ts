// The acceptance suite: every spec file of this folder against one service started for the folder
// (service.ts; test/support/folder-suite.ts runs the files, jest.config.js names this suite).
import { runFolder } from '../support/folder-suite';
import { useAcceptanceService } from './service';

useAcceptanceService();
runFolder(__dirname);
