import { runDataCli } from './cli.js';

process.exitCode = await runDataCli(process.argv.slice(2));
