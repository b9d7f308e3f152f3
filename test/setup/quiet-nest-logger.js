'use strict';
// Runs before every test file: a green run is quiet. Nest's console logger (the testing module's
// logger prints errors, and an app's logger is the console one until `useLogger`) says nothing;
// specs about what reaches the log capture the app's own pino lines (test/support/captured-log.ts),
// and processes a spec starts (npm start, the CLI, the fleet) keep their real logger.
const { ConsoleLogger } = require('@nestjs/common');

ConsoleLogger.prototype.printMessages = function printNothing() {};
ConsoleLogger.prototype.printStackTrace = function printNothing() {};
