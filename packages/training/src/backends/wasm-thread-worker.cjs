'use strict';
/*
 * The script each thread of tfjs-backend-wasm's multithreaded build runs in Node (see wasm-node-threads.ts).
 * tfjs hands Emscripten the thread script and the module's main script as Blob URLs, which browsers load and
 * Node's worker_threads cannot; this runs the same two scripts from the package's own files instead.
 */
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const wasmOut = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
const threadScript = join(wasmOut, 'tfjs-backend-wasm-threaded-simd.worker.js');
const mainScript = join(wasmOut, 'tfjs-backend-wasm-threaded-simd.js');

// The file exports the thread script as a string meant for a Blob, its "\n" escapes unescaped: escape them back.
const { wasmWorkerContents } = require(threadScript);
vm.compileFunction(wasmWorkerContents.replace(/\n/g, '\\n'), ['require', '__filename'], { filename: threadScript })(require, threadScript);

// The thread script loads the main script with importScripts(url), given a Blob's URL: load the file instead.
const importScripts = globalThis.importScripts;
globalThis.importScripts = (url) => importScripts(String(url).startsWith('blob:') ? mainScript : url);
