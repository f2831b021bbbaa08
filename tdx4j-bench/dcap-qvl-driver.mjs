// Warm verification timing of one quote with the two npm builds of Phala-Network/dcap-qvl:
// @phala/dcap-qvl (pure JavaScript) and @phala/dcap-qvl-web (the Rust crate compiled to wasm).
// Usage: node dcap-qvl-driver.mjs QUOTE COLLATERAL_JSON NOW_SECS ITERATIONS WARMUP
// Prints one JSON line per implementation: {impl, status, advisoryIds, error, medianMicros, p90Micros}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(process.cwd() + '/');
const [quotePath, collateralPath, nowArg, itArg, warmArg] = process.argv.slice(2);
const now = Number(nowArg);
const iterations = Number(itArg);
const warmup = Number(warmArg);

let quote = readFileSync(quotePath);
const text = quote.toString('latin1').trim();
if (/^(0x)?[0-9a-fA-F\s]+$/.test(text)) {
  quote = Buffer.from(text.replace(/^0x/, '').replace(/\s/g, ''), 'hex');
}
const collateral = JSON.parse(readFileSync(collateralPath, 'utf8'));

function time(name, fn) {
  let status = null, advisoryIds = [], error = null;
  try {
    const r = fn();
    status = r.status;
    advisoryIds = r.advisory_ids ?? r.advisoryIds ?? [];
  } catch (e) {
    error = String(e && e.message ? e.message : e);
  }
  for (let i = 0; i < warmup; i++) {
    try { fn(); } catch (e) { /* same outcome every time */ }
  }
  const micros = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    try { fn(); } catch (e) { /* timed either way */ }
    micros.push((performance.now() - t0) * 1000);
  }
  micros.sort((a, b) => a - b);
  const median = micros[Math.floor((iterations - 1) / 2)];
  const p90 = micros[Math.ceil(iterations * 0.9) - 1];
  console.log(JSON.stringify({ impl: name, status, advisoryIds, error,
    medianMicros: Math.round(median), p90Micros: Math.round(p90) }));
}

const js = require('@phala/dcap-qvl');
const jsVerifier = js.QuoteVerifier.newProd();
time('@phala/dcap-qvl@0.3.9 (pure JS)', () => jsVerifier.verify(quote, collateral, now));

const wasmDir = require.resolve('@phala/dcap-qvl-web').replace(/dcap-qvl-web\.js$/, '');
const wasm = await import(wasmDir + 'dcap-qvl-web.js');
wasm.initSync({ module: readFileSync(wasmDir + 'dcap-qvl-web_bg.wasm') });
const quoteBytes = new Uint8Array(quote);
time('@phala/dcap-qvl-web@0.3.3 (wasm)', () => wasm.js_verify(quoteBytes, collateral, BigInt(now)));
