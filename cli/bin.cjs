#!/usr/bin/env node
// The `cognito-dr` executable: registers tsx so the TypeScript sources run as they are, then starts the CLI.
require('tsx/cjs/api').register();
require('./cognito-dr.ts').run();
