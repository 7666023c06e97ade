import { runMixentCli } from './cli.js';

process.exitCode = await runMixentCli(process.argv.slice(2));
