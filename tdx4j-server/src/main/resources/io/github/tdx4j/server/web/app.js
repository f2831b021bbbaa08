// The tdx4j verifier page: reads the quote (file, hex or base64), optional collateral and policy, POSTs them to
// /verify?fields=true on this server, and shows the verdict, the policy result, every decoded field and the token.
// Nothing is loaded from anywhere but this server.
'use strict';

const $ = id => document.getElementById(id);

function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

async function readQuoteFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder('latin1').decode(bytes).trim();
  // A text file of hex or base64 is used as text; anything else is the binary quote.
  $('quote').value = /^(0x)?[0-9a-fA-F\s]+$/.test(text) || /^[A-Za-z0-9+/=_\-\s]+$/.test(text) ? text : toBase64(bytes);
}

function entries(dl, pairs) {
  dl.replaceChildren();
  for (const [k, v] of pairs) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v === null || v === undefined ? '—' : String(v);
    dl.append(dt, dd);
  }
}

function group(name, obj) {
  const fs = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = name;
  fs.append(legend);
  const dl = document.createElement('dl');
  const pairs = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      fs.append(group(k, v));
    } else {
      pairs.push([k, Array.isArray(v) ? v.join(', ') : v]);
    }
  }
  entries(dl, pairs);
  fs.insertBefore(dl, fs.children[1] || null);
  return fs;
}

function show(result) {
  $('result').hidden = false;
  const verdict = $('verdict');
  const ear = result.ear.status;
  verdict.className = 'verdict ' + ear;
  verdict.textContent = result.status ? `${result.status} (${ear})` : `${result.error} (${ear})`;
  entries($('summary'), [
    ['TCB status', result.status], ['error', result.error], ['detail', result.detail],
    ['advisory ids', (result.advisoryIds || []).join(', ')], ['collateral expired', result.collateralExpired],
    ['collateral expired (QvE rule)', result.qveCollateralExpired],
    ['collateral expiry', result.collateralExpiry], ['FMSPC', result.quoteFields && result.quoteFields.fmspc],
    ['verified at', result.verifiedAt], ['trust vector', JSON.stringify(result.ear.trustVector)]]);
  $('policy-result').textContent = result.policy.accepted ? 'Policy accepted'
    : result.policy.evaluated ? 'Policy not accepted' : 'Policy not evaluated: the quote did not verify';
  const ul = $('violations');
  ul.replaceChildren();
  for (const v of result.policy.violations) {
    const li = document.createElement('li');
    li.textContent = `${v.rule}: ${v.detail}`;
    ul.append(li);
  }
  const fields = $('fields');
  fields.replaceChildren();
  if (result.fields) {
    for (const [k, v] of Object.entries(result.fields)) {
      if (v !== null && typeof v === 'object') {
        fields.append(group(k, v));
      }
    }
  }
  $('token').textContent = result.token;
}

async function verify(event) {
  event.preventDefault();
  $('error').hidden = true;
  const body = { quote: $('quote').value.trim() };
  const collateral = $('collateral').value.trim();
  const policy = $('policy').value.trim();
  try {
    if (collateral) body.collateral = JSON.parse(collateral);
    if (policy) body.policy = JSON.parse(policy);
  } catch (e) {
    $('error').textContent = 'The collateral or policy is not valid JSON.';
    $('error').hidden = false;
    return;
  }
  const response = await fetch('/verify?fields=true', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  if (!response.ok) {
    $('result').hidden = true;
    $('error').textContent = `${json.error}: ${json.detail}`;
    $('error').hidden = false;
    return;
  }
  show(json);
}

document.addEventListener('DOMContentLoaded', () => {
  $('form').addEventListener('submit', verify);
  $('quote-file').addEventListener('change', e => e.target.files[0] && readQuoteFile(e.target.files[0]));
  $('collateral-file').addEventListener('change', async e => {
    if (e.target.files[0]) $('collateral').value = await e.target.files[0].text();
  });
  const drop = $('drop');
  drop.addEventListener('dragover', e => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', e => {
    e.preventDefault();
    drop.classList.remove('over');
    if (e.dataTransfer.files[0]) readQuoteFile(e.dataTransfer.files[0]);
  });
  // A link can carry the inputs: /#quote=HEX_OR_BASE64[&collateral=JSON][&policy=JSON] fills the form and verifies.
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get('quote')) {
    $('quote').value = params.get('quote');
    $('collateral').value = params.get('collateral') || '';
    $('policy').value = params.get('policy') || '';
    $('form').requestSubmit();
  }
});
