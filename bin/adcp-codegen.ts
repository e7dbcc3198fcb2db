#!/usr/bin/env node
// CLI entry point: `npx adcp-codegen …`. All behaviour lives in src/cli.
import { runCli } from '../src/cli/main.js';

process.exitCode = await runCli(process.argv);
