// A PCCS client, unchanged: npm @phala/dcap-qvl fetches the collateral for a quote from a PCCS URL with
// getCollateral(pccsUrl, quote), then verifies the quote with it.
// Usage: node dcap-qvl-client.js PCCS_URL QUOTE_FILE ROOT_DER_FILE|intel NOW_SECONDS
// Prints one JSON line: {"status", "advisoryIds"} or {"error"}.
const fs = require('node:fs');
const { getCollateral, QuoteVerifier } = require('@phala/dcap-qvl');
const [url, quotePath, rootPath, now] = process.argv.slice(2);
(async () => {
  const quote = fs.readFileSync(quotePath);
  const collateral = await getCollateral(url, quote);
  const verifier = rootPath === 'intel' ? QuoteVerifier.newProd()
    : QuoteVerifier.newWithRootCa(fs.readFileSync(rootPath));
  const r = verifier.verify(quote, collateral, Number(now));
  console.log(JSON.stringify({ status: r.status, advisoryIds: r.advisory_ids ?? r.advisoryIds ?? [] }));
})().catch(e => {
  console.log(JSON.stringify({ error: String(e && e.message ? e.message : e) }));
  process.exit(3);
});
