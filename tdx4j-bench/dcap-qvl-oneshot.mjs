// One verification of one quote with an npm build of Phala-Network/dcap-qvl, as a one-shot process: the peer of a
// one-shot `tdx4j verify` in coldstart.sh. Run from a folder where @phala/dcap-qvl@0.3.9 (BUILD js) or
// @phala/dcap-qvl-web@0.3.3 (BUILD wasm) is installed.
// Usage: node dcap-qvl-oneshot.mjs js|wasm QUOTE COLLATERAL_JSON NOW_SECS
// Prints one JSON line: {impl, status} or {impl, error}.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(process.cwd() + '/');
const [build, quotePath, collateralPath, nowArg] = process.argv.slice(2);
let quote = readFileSync(quotePath);
const text = quote.toString('latin1').trim();
if (/^(0x)?[0-9a-fA-F\s]+$/.test(text)) {
  quote = Buffer.from(text.replace(/^0x/, '').replace(/\s/g, ''), 'hex');
}
const collateral = JSON.parse(readFileSync(collateralPath, 'utf8'));
const now = Number(nowArg);
let impl, verify;
if (build === 'wasm') {
  impl = '@phala/dcap-qvl-web@0.3.3 (wasm)';
  const dir = require.resolve('@phala/dcap-qvl-web').replace(/dcap-qvl-web\.js$/, '');
  const wasm = await import(dir + 'dcap-qvl-web.js');
  wasm.initSync({ module: readFileSync(dir + 'dcap-qvl-web_bg.wasm') });
  verify = () => wasm.js_verify(new Uint8Array(quote), collateral, BigInt(now));
} else {
  impl = '@phala/dcap-qvl@0.3.9 (pure JS)';
  const js = require('@phala/dcap-qvl');
  verify = () => js.QuoteVerifier.newProd().verify(quote, collateral, now);
}
try {
  console.log(JSON.stringify({ impl, status: verify().status }));
} catch (e) {
  console.log(JSON.stringify({ impl, error: String(e && e.message ? e.message : e) }));
  process.exitCode = 2;
}
