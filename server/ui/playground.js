// The policy playground of `licit serve --ui` (docs/playground.md). Plain JavaScript, no library:
// it asks the service's JSON endpoints (GET /v1/policy/source, /v1/schema; POST /v1/explain,
// /v1/test) and shows their answers. Everything shown that comes from a policy, a record or an
// answer is inserted as text (textContent, createTextNode), never parsed as HTML.
'use strict';

const $ = (selector) => document.querySelector(selector);

let token = '';          // the bearer token the person typed, when the server wants one
let schema = null;       // GET /v1/schema
let countries = new Map();  // "JP" -> "Japan"
let shownDecision = false;  // a decision is on screen: a new date judges the record again

// --- Small DOM helpers --------------------------------------------------------------------------

// An element with a class and text content (never HTML).
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function row(cells) {
  const tr = document.createElement('tr');
  for (const cell of cells) tr.appendChild(cell instanceof Node ? cell : el('td', '', cell));
  return tr;
}

function showPageError(message) {
  const p = $('#page-error');
  p.textContent = message;
  p.hidden = !message;
}

// --- Talking to the service ---------------------------------------------------------------------

class NeedToken extends Error {}

// One request; resolves to {status, body} (body parsed as JSON when it is JSON). A 401 shows the
// token field and rejects. Paths are relative to the page, so a proxy may serve it under a prefix.
async function api(method, path, body) {
  const headers = {};
  if (token) headers['Authorization'] = 'Bearer ' + token;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {method, headers, body, cache: 'no-store'});
  } catch (e) {
    throw new Error('The server did not answer (' + e.message + ').');
  }
  const text = await response.text();
  let parsed = null;
  try { parsed = JSON.parse(text); } catch (e) { parsed = null; }
  if (response.status === 401) {
    $('#token-panel').hidden = false;
    $('#token').focus();
    throw new NeedToken(token ? 'The token was refused.' : 'This server needs a token.');
  }
  return {status: response.status, body: parsed, text};
}

function errorMessage(answer) {
  if (answer.body && answer.body.error) return answer.body.error.message;
  return 'HTTP ' + answer.status;
}

// --- The policies: names, rules with their dates, highlighted source ----------------------------

async function loadPolicy() {
  const [source, fields] = await Promise.all([api('GET', 'v1/policy/source'),
                                              api('GET', 'v1/schema')]);
  if (source.status !== 200) throw new Error('Cannot read the policies: ' + errorMessage(source));
  if (fields.status !== 200) {
    throw new Error('Cannot read the input schema: ' + errorMessage(fields));
  }
  schema = fields.body;
  countries = new Map(schema.countries.map((c) => [c.code, c.name]));
  showPolicies(source.body);
  buildForm(schema.fields);
  syncFormFromJson();
}

function showPolicies(source) {
  const names = source.policies.map((p) => p.name).join(', ');
  $('#served').textContent = 'Serving ' + names + ' (' + source.digest.slice(0, 19) + '…)';
  const list = $('#policies');
  list.replaceChildren();
  for (const p of source.policies) {
    const li = el('li');
    li.appendChild(el('strong', 'policy-name', p.name));
    if (p.version) li.appendChild(document.createTextNode(' version ' + p.version));
    li.appendChild(document.createTextNode(' — ' + p.file + ', ' + p.rules +
                                           (p.rules === 1 ? ' rule' : ' rules')));
    list.appendChild(li);
  }

  // One policy: its name in every row of the rules would say nothing.
  $('#rules').classList.toggle('one-policy', source.policies.length === 1);
  const picker = $('#file-picker');
  picker.replaceChildren();
  const rules = $('#rules tbody');
  rules.replaceChildren();
  const keywords = new Set(source.keywords);
  source.files.forEach((file, index) => {
    const option = el('option', '', file.path + (file.standard ? ' (standard library)' : ''));
    option.value = String(index);
    picker.appendChild(option);
    const policy = file.declarations.find((d) => d.kind === 'policy');
    for (const d of file.declarations) {
      if (d.kind !== 'rule' && d.kind !== 'exception' && d.kind !== 'suspension') continue;
      const tr = row([el('td', 'mono', d.name), d.detail || d.kind, d.since || '', d.until || '',
                      policy ? policy.name : file.path]);
      tr.dataset.rule = d.name;
      tr.addEventListener('click', () => showDeclaration(index, d));
      rules.appendChild(tr);
    }
  });
  picker.onchange = () => showSource(source.files[Number(picker.value)], keywords);
  const first = source.files.findIndex((f) => f.root);
  picker.value = String(Math.max(first, 0));
  showSource(source.files[Math.max(first, 0)], keywords);
  showDeclaration.files = source.files;
  showDeclaration.keywords = keywords;
}

const EFFECTS = new Set(['deny', 'license', 'review', 'exempt', 'allow']);
// Comments, strings, dates, numbers, words: enough of the language's lexicon to colour it.
const TOKEN = new RegExp([
  /(#[^\n]*)/.source,                   // 1: a comment
  /("(?:[^"\\\n]|\\.)*"?)/.source,      // 2: a string
  /(\d{4}-\d{2}-\d{2}\b)/.source,       // 3: a date
  /(\d+(?:\.\d+)?)/.source,             // 4: a number
  /([A-Za-z_][A-Za-z0-9_-]*)/.source,   // 5: a word
].join('|'), 'g');

// The file's text as highlighted spans: declared names (from the server's outline) first, then
// keywords, effects, strings, comments, dates, numbers and country codes.
function showSource(file, keywords) {
  const pre = $('#source');
  pre.replaceChildren();
  const text = file.text;
  // Declared names by position; `next` walks them along with the tokens.
  const names = file.declarations.filter((d) => d.name_end > d.name_begin)
                                 .sort((a, b) => a.name_begin - b.name_begin);
  let next = 0;
  const anchors = new Map();  // a declaration's begin -> its name's span, to scroll to
  let at = 0;
  const plain = (upTo) => {
    if (upTo > at) pre.appendChild(document.createTextNode(text.slice(at, upTo)));
    at = Math.max(at, upTo);
  };
  TOKEN.lastIndex = 0;
  let match;
  while ((match = TOKEN.exec(text)) !== null) {
    if (match.index < at) continue;
    // A declared name starting at or before this token (names may hold spaces: a concise
    // rule's `dual-use to any`).
    for (; next < names.length && names[next].name_begin <= match.index; ++next) {
      const d = names[next];
      if (d.name_begin < at) continue;
      plain(d.name_begin);
      const span = el('span', 'decl', text.slice(d.name_begin, d.name_end));
      anchors.set(d.begin, span);
      pre.appendChild(span);
      at = d.name_end;
    }
    if (match.index < at) { TOKEN.lastIndex = at; continue; }
    const [word] = match;
    let kind = null;
    if (match[1]) kind = 'comment';
    else if (match[2]) kind = 'str';
    else if (match[3]) kind = 'date';
    else if (match[4]) kind = 'num';
    else if (EFFECTS.has(word)) kind = 'effect-word';
    else if (keywords.has(word)) kind = 'kw';
    else if (/^[A-Z]{2}$/.test(word) && countries.has(word)) kind = 'country';
    if (!kind) continue;
    plain(match.index);
    const span = el('span', kind, word);
    if (kind === 'country') span.title = countries.get(word);
    pre.appendChild(span);
    at = match.index + word.length;
  }
  plain(text.length);
  showSource.anchors = anchors;
  showSource.file = file;
}

function showDeclaration(fileIndex, d) {
  const files = showDeclaration.files;
  if (showSource.file !== files[fileIndex]) {
    $('#file-picker').value = String(fileIndex);
    showSource(files[fileIndex], showDeclaration.keywords);
  }
  const span = showSource.anchors.get(d.begin);
  if (!span) return;
  span.scrollIntoView({block: 'center'});
  span.classList.add('flash');
  setTimeout(() => span.classList.remove('flash'), 1500);
}

// --- The record: a form from the input schema, and its JSON --------------------------------------

// The field types the form offers a picker for; every other type is typed as text.
function inputFor(field) {
  const type = field.type.replace(/\?$/, '');
  let input;
  if (type === 'country') {
    input = document.createElement('select');
    input.appendChild(el('option', '', '(missing)')).value = '';
    for (const [code, name] of countries) {
      input.appendChild(el('option', '', code + ' — ' + name)).value = code;
    }
  } else if (type === 'bool') {
    input = document.createElement('select');
    for (const v of ['', 'true', 'false']) {
      input.appendChild(el('option', '', v || '(missing)')).value = v;
    }
  } else {
    input = document.createElement('input');
    input.type = type === 'date' ? 'date' : 'text';
    if (type.startsWith('set<') || type.startsWith('list<')) input.placeholder = 'a, b, c';
    else if (type === 'money') input.placeholder = '1000.00 EUR';
  }
  input.dataset.path = field.path;
  input.dataset.type = type;
  input.addEventListener(input.tagName === 'SELECT' ? 'change' : 'input', syncJsonFromForm);
  return input;
}

function buildForm(fields) {
  const form = $('#record-form');
  form.replaceChildren();
  const groups = new Map([['', form]]);  // record path -> its fieldset
  const isRecord = (f) => fields.some((g) => g.path.startsWith(f.path + '.'));
  for (const field of fields) {
    const dot = field.path.lastIndexOf('.');
    const parent = groups.get(field.path.slice(0, Math.max(dot, 0))) || form;
    const name = field.path.slice(dot + 1);
    if (isRecord(field)) {
      const set = el('fieldset');
      set.dataset.record = field.path;
      const legend = name + (field.optional ? '' : ' *') + ' (' + field.type + ')';
      set.appendChild(el('legend', '', legend));
      parent.appendChild(set);
      groups.set(field.path, set);
      continue;
    }
    const line = el('label', 'field');
    const caption = el('span', '', name);
    if (!field.optional) caption.appendChild(el('span', 'required', ' *'));
    line.appendChild(caption);
    line.appendChild(inputFor(field));
    line.appendChild(el('span', 'type', field.type));
    parent.appendChild(line);
  }
}

// The text of a form field as a JSON value (undefined: leave the field out, so it is missing).
function valueOf(input) {
  const text = input.value.trim();
  if (text === '') return undefined;
  const type = input.dataset.type;
  if (type === 'bool') return text === 'true';
  if (type.startsWith('set<') || type.startsWith('list<')) {
    return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  }
  if (type === 'int' && /^-?\d+$/.test(text)) return Number(text);
  return text;
}

function textOf(value) {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

// The record the JSON box holds, or null (with the reason shown) when it is not a JSON object.
function recordFromJson() {
  const status = $('#json-status');
  let value;
  try {
    value = JSON.parse($('#record-json').value);
  } catch (e) {
    status.textContent = 'Not valid JSON: ' + e.message;
    status.className = 'status error';
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    status.textContent = 'A record is a JSON object: {"id": ..., "date": ..., ...}';
    status.className = 'status error';
    return null;
  }
  status.textContent = '';
  status.className = 'status';
  return value;
}

// A form field changed: set (or remove) that path in the JSON, keeping the fields the form does
// not show.
function syncJsonFromForm(event) {
  const record = recordFromJson() || {};
  const input = event.target;
  const path = input.dataset.path.split('.');
  const value = valueOf(input);
  let node = record;
  for (const key of path.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== 'object' || Array.isArray(node[key])) {
      if (value === undefined) return writeJson(record);
      node[key] = {};
    }
    node = node[key];
  }
  const last = path[path.length - 1];
  if (value === undefined) delete node[last]; else node[last] = value;
  pruneEmpty(record, path.slice(0, -1));
  writeJson(record);
}

// Nested records left empty by clearing their last field are removed (missing, not empty).
function pruneEmpty(record, path) {
  for (let depth = path.length; depth > 0; --depth) {
    let parent = record;
    for (const key of path.slice(0, depth - 1)) parent = parent[key];
    const key = path[depth - 1];
    if (parent[key] && Object.keys(parent[key]).length === 0) delete parent[key];
  }
}

function writeJson(record) {
  $('#record-json').value = JSON.stringify(record, null, 2);
  recordFromJson();
}

// The JSON changed (typed or pasted): show its values in the form.
function syncFormFromJson() {
  const record = recordFromJson();
  if (!record) return;
  for (const input of document.querySelectorAll('#record-form [data-path]')) {
    let value = record;
    for (const key of input.dataset.path.split('.')) {
      value = value !== null && typeof value === 'object' ? value[key] : undefined;
    }
    const text = textOf(value);
    if (input.tagName === 'SELECT' && text !== '' &&
        ![...input.options].some((o) => o.value === text)) {
      // A value the picker does not list is shown as given; the server judges it.
      input.appendChild(el('option', '', text)).value = text;
    }
    input.value = text;
  }
}

// --- Deciding -----------------------------------------------------------------------------------

async function decide() {
  const record = recordFromJson();
  if (!record) {
    $('#record-json').focus();
    return;
  }
  const asOf = $('#as-of').value;
  const path = 'v1/explain' + (asOf ? '?as_of=' + encodeURIComponent(asOf) : '');
  $('#decide').disabled = true;
  try {
    const answer = await api('POST', path, JSON.stringify(record));
    if (answer.status === 200) {
      showDecision(answer.body.decision, answer.body.text);
    } else if (answer.body && answer.body.decision) {
      // A record the policy cannot judge: its error decision.
      showDecision(answer.body.decision, answer.body.error.message);
    } else {
      showDecision({effect: 'error', error: errorMessage(answer), rules: []}, '');
    }
    showPageError('');
  } catch (e) {
    showPageError(e.message);
  } finally {
    $('#decide').disabled = false;
  }
}

function showDecision(decision, text) {
  shownDecision = true;
  $('#decision-empty').hidden = true;
  $('#decision').hidden = false;
  const effect = $('#effect');
  effect.textContent = decision.effect;
  effect.className = 'effect ' + decision.effect;
  $('#judged').textContent = (decision.id ? 'record ' + decision.id : 'the record') +
      (decision.date ? ', judged at ' + decision.date : '');
  const error = $('#decision-error');
  error.textContent = decision.error || '';
  error.hidden = !decision.error;

  const reasons = $('#reasons tbody');
  reasons.replaceChildren();
  for (const r of decision.rules || []) {
    const effect = r.license ? r.effect + ' "' + r.license + '"' : r.effect;
    reasons.appendChild(row([el('td', 'mono', r.rule), effect, r.because || '', r.cite || '',
                             el('td', 'mono', r.at)]));
  }
  $('#reasons').hidden = !(decision.rules && decision.rules.length);

  const notes = $('#decision-notes');
  notes.replaceChildren();
  if (decision.licenses && decision.licenses.length) {
    notes.appendChild(el('li', '', 'Licences required: ' + decision.licenses.join(', ')));
  }
  for (const w of decision.waived || []) {
    notes.appendChild(el('li', '', 'Waived: ' + w.rule + ' by exception ' + w.exception));
  }
  for (const u of decision.unknowns || []) {
    notes.appendChild(el('li', '', 'Unknown (' + u.rule + '): ' + u.reason));
  }
  $('#explanation').textContent = text;
}

// --- Tests --------------------------------------------------------------------------------------

async function runTests() {
  $('#run-tests').disabled = true;
  $('#tests-summary').textContent = 'Running…';
  try {
    const answer = await api('POST', 'v1/test');
    if (answer.status !== 200) throw new Error('Cannot run the tests: ' + errorMessage(answer));
    showTests(answer.body);
    showPageError('');
  } catch (e) {
    $('#tests-summary').textContent = '';
    showPageError(e.message);
  } finally {
    $('#run-tests').disabled = false;
  }
}

function showTests(report) {
  const summary = $('#tests-summary');
  summary.textContent = report.passed + ' passed, ' + report.failed + ' failed';
  summary.className = report.failed ? 'status error' : 'status';
  const list = $('#tests');
  list.replaceChildren();
  for (const t of report.tests) {
    const li = el('li', t.passed ? 'pass' : 'fail');
    li.appendChild(el('span', 'test-name', t.name));
    li.appendChild(document.createTextNode(t.passed
        ? ' — ' + t.got
        : ' — expected ' + t.expected + ', got ' + t.got +
          (t.contributions ? ' (' + t.contributions + ')' : '') + (t.error ? ': ' + t.error : '')));
    li.appendChild(el('span', 'status mono', ' ' + t.at));
    list.appendChild(li);
  }
  const uncovered = $('#uncovered');
  uncovered.replaceChildren();
  for (const u of report.uncovered || []) {
    uncovered.appendChild(el('li', 'status', 'No test fires rule ' + u.rule + ' (' + u.at + ')'));
  }
}

// --- Start --------------------------------------------------------------------------------------

async function start() {
  try {
    await loadPolicy();
    $('#token-panel').hidden = true;
    showPageError('');
  } catch (e) {
    showPageError(e.message);
  }
}

$('#token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $('#token').value.trim();
  start();
});
$('#record-json').addEventListener('input', syncFormFromJson);
$('#decide').addEventListener('click', decide);
$('#run-tests').addEventListener('click', runTests);
$('#as-of').addEventListener('change', () => { if (shownDecision) decide(); });
$('#as-of-clear').addEventListener('click', () => {
  $('#as-of').value = '';
  if (shownDecision) decide();
});
start();
