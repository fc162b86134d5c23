// The web playground's page: controls that mirror TensorFlow Playground, drawn from the server's snapshots.
// The server owns the network and checks every setting; this script only shows what it says.
'use strict';

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const FEATURES = [
  ['X', 'X\u2081', (x, y) => x], ['Y', 'X\u2082', (x, y) => y],
  ['X2', 'X\u2081\u00B2', (x, y) => x * x], ['Y2', 'X\u2082\u00B2', (x, y) => y * y],
  ['XY', 'X\u2081X\u2082', (x, y) => x * y],
  ['SINX', 'sin(X\u2081)', (x, y) => Math.sin(Math.PI * x)], ['SINY', 'sin(X\u2082)', (x, y) => Math.sin(Math.PI * y)]];
const DATASETS = [['CIRCLE', 'Circle', false], ['XOR', 'Exclusive or', false], ['GAUSS', 'Gaussian', false],
  ['SPIRAL', 'Spiral', false], ['PLANE', 'Plane', true], ['MULTIGAUSS', 'Multi-Gaussian', true],
  ['UPLOAD', 'Your CSV', null]];
const MAX_LAYERS = 6, MAX_NEURONS = 8, EXTENT = 1.2;
// low/negative is blue, high/positive orange, as in the suite's PNG boundary charts; more classes get more colours
const BLUE = [31, 119, 180], ORANGE = [255, 127, 14];
const CLASS_COLOURS = [BLUE, ORANGE, [44, 160, 44], [214, 39, 40], [148, 103, 189]];
const DEFAULTS = {problem: 'CLASSIFICATION', dataset: 'CIRCLE', classes: 2, noise: 0, trainPercent: 50, batchSize: 10,
  seed: 1, features: ['X', 'Y'], layers: [4, 2], dropout: [0, 0], activation: 'TANH', regularization: 'NONE',
  regularizationRate: 0, learningRate: 0.03, optimizer: 'ADAM', stopEpochs: 0, stopTestLoss: 0};

const $ = id => document.getElementById(id);
let session = null;     // the server's id of this tab's network
let spec = null;        // the settings the server last accepted
let state = null;       // the last snapshot
let points = {dataVersion: -1, train: [], test: []};
let view = {showTestData: false, discretize: false};
let hovered = null;     // {layer, j} of a neuron drawn large, or {feature}
let structure = '';     // the network shape the columns were built for
window.playgroundStats = {frames: 0, fps: 0, epochsPerSecond: 0, requests: 0};

// ---------- the URL holds the whole state, so a link reproduces a setup ----------
function readHash() {
  const s = Object.assign({}, DEFAULTS);
  const v = {showTestData: false, discretize: false};
  const h = new URLSearchParams(location.hash.replace(/^#/, ''));
  for (const [k, raw] of h.entries()) {
    if (k === 'showTestData' || k === 'discretize') { v[k] = raw === 'true'; continue; }
    if (!(k in DEFAULTS)) continue;
    if (k === 'features') s[k] = raw ? raw.split(',') : [];
    else if (k === 'layers') s[k] = raw ? raw.split(',').map(Number) : [];
    else if (k === 'dropout') s[k] = raw ? raw.split(',').map(Number) : [];
    else if (typeof DEFAULTS[k] === 'number') s[k] = Number(raw);
    else s[k] = raw;
  }
  if (s.dropout.length !== s.layers.length) s.dropout = s.layers.map((_, i) => s.dropout[i] || 0);
  return [s, v];
}

function writeHash() {
  const h = new URLSearchParams();
  for (const k of Object.keys(DEFAULTS)) h.set(k, Array.isArray(spec[k]) ? spec[k].join(',') : String(spec[k]));
  h.set('showTestData', view.showTestData);
  h.set('discretize', view.discretize);
  history.replaceState(null, '', '#' + h.toString());
}

// ---------- talking to the server ----------
async function api(method, path, body, type) {
  const opts = {method, headers: {}};
  if (body !== undefined) opts.body = body;
  // the server refuses a change that is not JSON (or CSV): what another site's page could send without asking
  if (method !== 'GET') opts.headers['content-type'] = type || 'application/json';
  let res;
  try {
    res = await fetch('/api/sessions' + path, opts);
  } catch (e) {
    showMessage('The playground server does not answer: is ./nets web still running?');
    return null;
  }
  let json = null;
  try { json = await res.json(); } catch (e) { /* a body that is not JSON: reported below */ }
  if (!res.ok) {
    const text = json && json.error ? json.error : 'The server refused the request (' + res.status + ').';
    if (res.status === 404 && session) session = null;
    const error = new Error(text);
    error.status = res.status;
    throw error;
  }
  return json;
}

function showMessage(text, kind) {
  $('message').textContent = text || '';
  $('message').classList.toggle('info', kind === 'info');
}

async function send(method, action, body, type) {
  if (!session) { showMessage('This session has ended: reload the page.'); return null; }
  try {
    const st = await api(method, '/' + session + action, body, type);
    // a change that went through answers any earlier message; fetching the points does not (it cleared the refused
    // link's message 30 ms after it appeared)
    if (method !== 'GET') showMessage('');
    return st;
  } catch (e) {
    showMessage(e.message);
    render(state); // the controls go back to what the server has
    return null;
  }
}

// The settings as the user has asked for them, ahead of the server's answers: each change applies to these at once
// and the requests go out one after another, so quick clicks all count (three "+" clicks 50 ms apart used to add one
// neuron, each computed from the settings the server had last answered with).
let intended = null;
let changes = Promise.resolve();

function changeSpec(change) {
  const base = intended || spec;
  intended = Object.assign({}, base, typeof change === 'function' ? change(base) : change);
  const body = JSON.stringify(intended);
  const mine = changes = changes.then(async () => {
    const st = await send('PUT', '/spec', body);
    if (st) accept(st);
    else intended = null; // refused: the server's settings stand
  }).then(() => { if (changes === mine) intended = null; });
  return mine;
}

function accept(st) {
  session = st.id;
  state = st;
  const changed = JSON.stringify(st.spec) !== JSON.stringify(spec);
  spec = st.spec;
  if (changed) writeHash(); // not on every frame: browsers throttle pages that rewrite their URL many times a second
  render(st);
  if (st.dataVersion !== points.dataVersion) loadPoints();
}

async function loadPoints() {
  const p = await send('GET', '/points');
  if (p) { points = p; drawPoints(); }
}

// ---------- controls ----------
function buildControls() {
  for (const [select, rates] of [['learningRate', LEARNING_RATES], ['regularizationRate', REGULARIZATION_RATES]]) {
    for (const r of rates) {
      const o = document.createElement('option');
      o.value = String(r); o.textContent = String(r);
      $(select).appendChild(o);
    }
  }
  for (const [id, name] of DATASETS) {
    const b = document.createElement('button');
    b.dataset.dataset = id; b.textContent = name;
    b.addEventListener('click', () => {
      if (id === 'UPLOAD') { $('csv').click(); return; }
      const regression = DATASETS.find(d => d[0] === id)[2];
      changeSpec({dataset: id, problem: regression ? 'REGRESSION' : 'CLASSIFICATION',
        classes: id === 'CIRCLE' || id === 'XOR' ? 2 : spec.classes});
    });
    $('datasets').appendChild(b);
  }
  for (const id of ['learningRate', 'regularizationRate']) $(id).addEventListener('change', e => changeSpec({[id]: Number(e.target.value)}));
  for (const id of ['activation', 'regularization', 'optimizer']) $(id).addEventListener('change', e => changeSpec({[id]: e.target.value}));
  $('problem').addEventListener('change', e => {
    const regression = e.target.value === 'REGRESSION';
    changeSpec({problem: e.target.value, dataset: regression ? 'PLANE' : 'CIRCLE', classes: 2});
  });
  $('classes').addEventListener('change', e => changeSpec({classes: Number(e.target.value)}));
  for (const id of ['trainPercent', 'noise', 'batchSize']) {
    $(id).addEventListener('input', e => { $(id + 'Value').textContent = e.target.value; });
    $(id).addEventListener('change', e => changeSpec({[id]: Number(e.target.value)}));
  }
  $('stopEpochs').addEventListener('change', e => changeSpec({stopEpochs: Math.max(0, Math.round(Number(e.target.value) || 0))}));
  $('stopTestLoss').addEventListener('change', e => changeSpec({stopTestLoss: Math.max(0, Number(e.target.value) || 0)}));
  $('regenerate').addEventListener('click', () => changeSpec({seed: Math.floor(Math.random() * 1e9)}));
  $('play').addEventListener('click', async () => {
    const st = await send('POST', state && state.playing ? '/pause' : '/play');
    if (st) accept(st);
  });
  $('step').addEventListener('click', async () => { const st = await send('POST', '/step'); if (st) accept(st); });
  $('reset').addEventListener('click', async () => { const st = await send('POST', '/reset'); if (st) accept(st); });
  $('addLayer').addEventListener('click', () => {
    changeSpec(s => s.layers.length >= MAX_LAYERS ? {} : {layers: s.layers.concat([2]), dropout: s.dropout.concat([0])});
  });
  $('removeLayer').addEventListener('click', () => {
    changeSpec(s => s.layers.length === 0 ? {} : {layers: s.layers.slice(0, -1), dropout: s.dropout.slice(0, -1)});
  });
  $('showTestData').addEventListener('change', e => { view.showTestData = e.target.checked; writeHash(); drawPoints(); });
  $('discretize').addEventListener('change', e => { view.discretize = e.target.checked; writeHash(); drawOutput(); });
  $('csv').addEventListener('change', upload);
  $('showCode').addEventListener('click', async () => {
    const c = await send('GET', '/code');
    if (!c) return;
    $('code').textContent = c.code;
    $('codeDialog').showModal();
  });
  $('closeCode').addEventListener('click', () => $('codeDialog').close());
  $('copyCode').addEventListener('click', () => navigator.clipboard && navigator.clipboard.writeText($('code').textContent).catch(() => {}));
  $('save').addEventListener('click', async () => {
    const r = await send('POST', '/save');
    if (r) $('saved').textContent = 'Saved to ' + r.folder;
  });
}

async function upload(e) {
  const file = e.target.files[0];
  e.target.value = '';
  if (!file) return;
  $('dataMessage').textContent = '';
  if (file.size > 1024 * 1024) { $('dataMessage').textContent = file.name + ' is larger than 1 MB.'; return; }
  const text = await file.text();
  try {
    const st = await api('POST', '/' + session + '/data?problem=' + spec.problem.toLowerCase(), text, 'text/csv');
    $('dataMessage').textContent = '';
    showMessage('');
    accept(st);
  } catch (err) {
    $('dataMessage').textContent = file.name + ': ' + err.message;
  }
}

// ---------- drawing ----------
// Heatmaps are drawn at TensorFlow Playground's strength (its canvas alpha, 160 of 255, over white) and the points
// at full strength on top: at full strength both, a point vanished into a region of its own class.
const HEAT = 160 / 255;

function shade(t) { // a heatmap's colour for t in [0, 1]
  return colour(t).map(v => 255 + (v - 255) * HEAT);
}

function colour(t) { // t in [0, 1]: blue, white, orange
  const c = t >= 0.5 ? ORANGE : BLUE;
  const s = Math.abs(t - 0.5) * 2;
  return [255 + (c[0] - 255) * s, 255 + (c[1] - 255) * s, 255 + (c[2] - 255) * s];
}

function decode(b64) {
  const s = atob(b64);
  const a = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
  return a;
}

function paint(canvas, n, rgbAt) {
  canvas.width = n; canvas.height = n;
  const ctx = canvas.getContext('2d');
  const img = ctx.createImageData(n, n);
  for (let i = 0; i < n * n; i++) {
    const c = rgbAt(i);
    img.data[4 * i] = c[0]; img.data[4 * i + 1] = c[1]; img.data[4 * i + 2] = c[2]; img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

function featureValues(fn, n) {
  const v = new Float32Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) {
    const x = -EXTENT + (c + 0.5) * 2 * EXTENT / n, y = EXTENT - (r + 0.5) * 2 * EXTENT / n;
    v[r * n + c] = fn(x, y);
  }
  return v;
}

function drawOutput() {
  if (!state) return;
  const canvas = $('output');
  if (hovered && hovered.feature) {
    const f = FEATURES.find(x => x[0] === hovered.feature);
    const v = featureValues(f[2], state.grid);
    paint(canvas, state.grid, i => shade(Math.max(0, Math.min(1, (v[i] + 1) / 2))));
    $('heatmapTitle').textContent = 'Feature ' + f[1];
    return;
  }
  if (hovered && state.neurons[hovered.layer] && state.neurons[hovered.layer][hovered.j]) {
    const b = decode(state.neurons[hovered.layer][hovered.j]);
    paint(canvas, state.neuronGrid, i => shade(b[i] / 255));
    $('heatmapTitle').textContent = 'Hidden layer ' + (hovered.layer + 1) + ', neuron ' + (hovered.j + 1);
    return;
  }
  $('heatmapTitle').textContent = '';
  const b = decode(state.output);
  const k = state.classes === 0 ? 1 : state.classes;
  paint(canvas, state.grid, i => {
    if (k === 1) {
      const t = b[i] / 255;
      return shade(view.discretize ? (t >= 0.5 ? 1 : 0) : t);
    }
    let best = 0;
    for (let j = 1; j < k; j++) if (b[i * k + j] > b[i * k + best]) best = j;
    if (k === 2) {
      const t = b[i * k + 1] / 255;
      return shade(view.discretize ? (t >= 0.5 ? 1 : 0) : t);
    }
    const sure = view.discretize ? 1 : Math.max(0, (b[i * k + best] / 255 - 1 / k) / (1 - 1 / k));
    const c = CLASS_COLOURS[best];
    return [255 + (c[0] - 255) * sure * HEAT, 255 + (c[1] - 255) * sure * HEAT, 255 + (c[2] - 255) * sure * HEAT];
  });
}

function drawPoints() {
  const canvas = $('points');
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const regression = state && state.classes === 0;
  const draw = (p, test) => {
    const px = (p[0] + EXTENT) / (2 * EXTENT) * canvas.width, py = (EXTENT - p[1]) / (2 * EXTENT) * canvas.height;
    const c = regression ? colour(Math.max(0, Math.min(1, (p[2] + 1) / 2))) : CLASS_COLOURS[p[2]] || BLUE;
    ctx.beginPath();
    ctx.arc(px, py, 3.2, 0, 2 * Math.PI);
    ctx.fillStyle = `rgb(${c[0]},${c[1]},${c[2]})`;
    ctx.fill();
    ctx.lineWidth = test ? 1.6 : 0.8;
    ctx.strokeStyle = test ? '#000' : '#fff';
    ctx.stroke();
  };
  for (const p of points.train) draw(p, false);
  if (view.showTestData) for (const p of points.test) draw(p, true);
}

function fmt(v, digits) { return v === null || v === undefined ? '–' : v.toFixed(digits); }

function drawLossChart() {
  const canvas = $('lossChart');
  const ctx = canvas.getContext('2d');
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  const h = state.history;
  if (!h || h.epoch.length < 2) return;
  let max = 0;
  for (const s of [h.train, h.test]) for (const v of s) if (v !== null && isFinite(v)) max = Math.max(max, v);
  if (max <= 0) return;
  const last = h.epoch[h.epoch.length - 1] || 1;
  for (const [series, style] of [[h.train, '#999'], [h.test, '#000']]) {
    ctx.beginPath();
    ctx.strokeStyle = style;
    ctx.lineWidth = 1.5;
    series.forEach((v, i) => {
      if (v === null) return;
      const x = h.epoch[i] / last * (canvas.width - 4) + 2, y = canvas.height - 2 - v / max * (canvas.height - 4);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
}

// ---------- the network picture ----------
function buildNetwork() {
  const cols = $('columns');
  cols.innerHTML = '';
  const inputs = document.createElement('div');
  inputs.className = 'column';
  const head = document.createElement('div');
  head.className = 'layer-head'; head.textContent = 'Features';
  inputs.appendChild(head);
  for (const [id, name, fn] of FEATURES) {
    const node = document.createElement('div');
    node.className = 'node feature' + (spec.features.includes(id) ? '' : ' off');
    node.dataset.feature = id;
    node.title = name + (spec.features.includes(id) ? ' (click to leave out)' : ' (click to use)');
    const c = document.createElement('canvas');
    node.appendChild(c);
    const label = document.createElement('span');
    label.className = 'name'; label.textContent = name;
    node.appendChild(label);
    const v = featureValues(fn, 20);
    paint(c, 20, i => shade(Math.max(0, Math.min(1, (v[i] + 1) / 2))));
    node.addEventListener('click', () => {
      changeSpec(s => {
        const on = s.features.includes(id) ? s.features.filter(f => f !== id) : s.features.concat([id]);
        return {features: FEATURES.map(f => f[0]).filter(f => on.includes(f))};
      });
    });
    node.addEventListener('mouseenter', () => { hovered = {feature: id}; drawOutput(); });
    node.addEventListener('mouseleave', () => { hovered = null; drawOutput(); });
    inputs.appendChild(node);
  }
  cols.appendChild(inputs);
  spec.layers.forEach((n, l) => {
    const col = document.createElement('div');
    col.className = 'column layer';
    col.dataset.layer = l;
    const lh = document.createElement('div');
    lh.className = 'layer-head';
    lh.innerHTML = `<button class="add" title="Add a neuron">+</button><button class="remove" title="Remove a neuron">&minus;</button>
      <div>${n} neuron${n === 1 ? '' : 's'}</div><select class="dropout" title="Dropout of this layer's outputs while training"></select>`;
    const sel = lh.querySelector('select');
    for (const d of [0, 0.1, 0.2, 0.3, 0.5]) {
      const o = document.createElement('option');
      o.value = String(d); o.textContent = d === 0 ? 'no dropout' : 'dropout ' + d;
      sel.appendChild(o);
    }
    sel.value = String(spec.dropout[l]);
    sel.addEventListener('change', e => {
      const d = Number(e.target.value);
      changeSpec(s => { const dropout = s.dropout.slice(); dropout[l] = d; return {dropout}; });
    });
    lh.querySelector('.add').addEventListener('click', () => {
      changeSpec(s => {
        if (l >= s.layers.length || s.layers[l] >= MAX_NEURONS) return {};
        const layers = s.layers.slice(); layers[l] += 1; return {layers};
      });
    });
    lh.querySelector('.remove').addEventListener('click', () => {
      changeSpec(s => {
        if (l >= s.layers.length || s.layers[l] <= 1) return {};
        const layers = s.layers.slice(); layers[l] -= 1; return {layers};
      });
    });
    col.appendChild(lh);
    for (let j = 0; j < n; j++) {
      const node = document.createElement('div');
      node.className = 'node neuron';
      node.dataset.layer = l; node.dataset.j = j;
      node.appendChild(document.createElement('canvas'));
      node.addEventListener('mouseenter', () => { hovered = {layer: l, j}; drawOutput(); });
      node.addEventListener('mouseleave', () => { hovered = null; drawOutput(); });
      col.appendChild(node);
    }
    cols.appendChild(col);
  });
  const out = document.createElement('div');
  out.className = 'column';
  const oh = document.createElement('div');
  oh.className = 'layer-head'; oh.textContent = 'Output';
  out.appendChild(oh);
  const k = spec.problem === 'REGRESSION' ? 1 : spec.classes;
  for (let j = 0; j < k; j++) {
    const node = document.createElement('div');
    node.className = 'node out';
    node.dataset.j = j;
    const c = k === 1 ? [120, 120, 120] : CLASS_COLOURS[j];
    node.style.background = `rgb(${c[0]},${c[1]},${c[2]})`;
    node.title = k === 1 ? 'the predicted value' : 'class ' + j;
    out.appendChild(node);
  }
  cols.appendChild(out);
  $('layerCount').textContent = spec.layers.length + ' hidden layer' + (spec.layers.length === 1 ? '' : 's');
  buildEdges();
}

function buildEdges() {
  const svg = $('edges');
  svg.innerHTML = '';
  const box = $('net').getBoundingClientRect();
  const columns = [...$('columns').children].map(col => [...col.querySelectorAll('.node')]
    .filter(n => !n.classList.contains('off')));
  const ns = 'http://www.w3.org/2000/svg';
  for (let l = 0; l + 1 < columns.length; l++) {
    columns[l].forEach((from, i) => {
      columns[l + 1].forEach((to, j) => {
        const a = from.getBoundingClientRect(), b = to.getBoundingClientRect();
        const line = document.createElementNS(ns, 'line');
        line.setAttribute('x1', a.right - box.left); line.setAttribute('y1', a.top + a.height / 2 - box.top);
        line.setAttribute('x2', b.left - box.left); line.setAttribute('y2', b.top + b.height / 2 - box.top);
        line.dataset.layer = l; line.dataset.i = i; line.dataset.j = j;
        line.appendChild(document.createElementNS(ns, 'title'));
        svg.appendChild(line);
      });
    });
  }
}

function drawNetwork() {
  const shape = JSON.stringify([spec.features, spec.layers, spec.dropout, spec.problem, spec.classes]);
  if (shape !== structure) { structure = shape; buildNetwork(); }
  state.neurons.forEach((layer, l) => layer.forEach((b64, j) => {
    const c = document.querySelector(`.node.neuron[data-layer="${l}"][data-j="${j}"] canvas`);
    if (c) { const b = decode(b64); paint(c, state.neuronGrid, i => shade(b[i] / 255)); }
  }));
  for (const line of $('edges').children) {
    const w = state.weights[line.dataset.layer].w[line.dataset.i][line.dataset.j];
    const v = w === null ? 0 : w;
    const c = colour(v >= 0 ? 1 : 0);
    line.setAttribute('stroke', `rgb(${c[0]},${c[1]},${c[2]})`);
    line.setAttribute('stroke-width', Math.min(8, 0.5 + Math.abs(v) * 2).toFixed(2));
    line.setAttribute('stroke-opacity', 0.75);
    line.firstChild.textContent = 'weight ' + (w === null ? 'not a number' : w.toPrecision(4));
  }
}

function render(st) {
  if (!st) return;
  const s = st.spec;
  $('epoch').textContent = String(st.epoch).padStart(6, '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  $('play').innerHTML = st.playing ? '&#10074;&#10074;' : '&#x25B6;';
  $('play').classList.toggle('playing', st.playing);
  $('learningRate').value = String(s.learningRate);
  $('regularizationRate').value = String(s.regularizationRate);
  for (const id of ['activation', 'regularization', 'optimizer', 'problem']) $(id).value = s[id];
  $('classes').value = String(s.classes);
  $('classes').disabled = !(s.dataset === 'GAUSS' || s.dataset === 'SPIRAL');
  for (const id of ['trainPercent', 'noise', 'batchSize']) { $(id).value = s[id]; $(id + 'Value').textContent = s[id]; }
  if (document.activeElement !== $('stopEpochs')) $('stopEpochs').value = s.stopEpochs;
  if (document.activeElement !== $('stopTestLoss')) $('stopTestLoss').value = s.stopTestLoss;
  for (const b of $('datasets').children) {
    const d = DATASETS.find(x => x[0] === b.dataset.dataset);
    b.classList.toggle('selected', b.dataset.dataset === s.dataset);
    b.disabled = d[2] !== null && d[2] !== (s.problem === 'REGRESSION');
  }
  $('trainLoss').textContent = fmt(st.trainLoss, 3);
  $('testLoss').textContent = fmt(st.testLoss, 3);
  $('trainAccuracy').textContent = st.trainAccuracy === null ? '' : (100 * st.trainAccuracy).toFixed(1) + '%';
  $('testAccuracy').textContent = st.testAccuracy === null ? '' : (100 * st.testAccuracy).toFixed(1) + '%';
  $('trainAccuracyBox').hidden = $('testAccuracyBox').hidden = st.classes === 0;
  $('showTestData').checked = view.showTestData;
  $('discretize').checked = view.discretize;
  if (st.message) showMessage(st.message, st.messageKind);
  if (st.scaleNote && s.dataset === 'UPLOAD') $('dataMessage').textContent = st.scaleNote;
  drawNetwork();
  drawOutput();
  drawLossChart();
  drawPoints();
}

// ---------- the frame loop: ask for the latest snapshot, draw it, at most 20 times a second ----------
async function frames() {
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  let drawnAt = [], lastEpoch = 0, lastTime = performance.now();
  for (;;) {
    const t0 = performance.now();
    if (session) {
      try {
        const st = await api('GET', '/' + session + '/state');
        window.playgroundStats.requests++;
        if (st && (!state || st.epoch !== state.epoch || st.playing !== state.playing || st.dataVersion !== state.dataVersion
            || JSON.stringify(st.spec) !== JSON.stringify(spec))) {
          const wasPlaying = state && state.playing;
          accept(st);
          if (st.playing) {
            window.playgroundStats.frames++;
            drawnAt.push(performance.now());
            drawnAt = drawnAt.filter(t => t > performance.now() - 2000);
            window.playgroundStats.fps = drawnAt.length / 2;
            const now = performance.now();
            if (now - lastTime > 1000) {
              window.playgroundStats.epochsPerSecond = (st.epoch - lastEpoch) / ((now - lastTime) / 1000);
              lastEpoch = st.epoch; lastTime = now;
            }
          } else if (wasPlaying) {
            drawnAt = [];
          }
        }
      } catch (e) {
        showMessage(e.message);
      }
    }
    const playing = state && state.playing;
    await sleep(Math.max(0, (playing ? 50 : 300) - (performance.now() - t0)));
  }
}

/** The link's settings with the field a refusal names set back to its default (all of them if none is named). */
function withoutRefused(settings, message) {
  const named = {'a hidden layer': 'layers', 'dropout': 'dropout', 'at least one input feature': 'features',
    'a feature is listed': 'features'};
  let field = Object.keys(named).find(p => message.startsWith(p));
  field = field ? named[field] : (message.match(/^(\w+) /) || [])[1];
  if (!field || !(field in DEFAULTS)) return DEFAULTS;
  const next = Object.assign({}, settings, {[field]: DEFAULTS[field]});
  if (field === 'layers') next.dropout = DEFAULTS.dropout;
  if (field === 'dropout') next.dropout = next.layers.map(() => 0);
  if (field === 'dataset' || field === 'problem') Object.assign(next, {problem: DEFAULTS.problem, dataset: DEFAULTS.dataset});
  return next;
}

let linkMessage = '';

async function start() {
  const [wanted, v] = readHash();
  view = v;
  let first;
  try {
    first = await api('POST', '', JSON.stringify(wanted));
  } catch (e) {
    if (e.status !== 400) { // the server is full, or not there: say so, and draw no controls that cannot work
      showMessage(e.message);
      document.body.classList.add('no-session');
      return;
    }
    // settings from the link the server refuses: the field it names goes back to its default, the others stay
    let tried = wanted, error = e;
    for (let i = 0; i < 8 && !first && error; i++) {
      tried = withoutRefused(tried, error.message);
      try { first = await api('POST', '', JSON.stringify(tried)); error = null; } catch (e2) { error = e2.status === 400 ? e2 : null; }
    }
    if (!first) {
      try { first = await api('POST', '', JSON.stringify(DEFAULTS)); } catch (e3) { showMessage(e3.message); return; }
    }
    linkMessage = 'The link asked for what the playground refuses: ' + e.message
      + (tried === DEFAULTS || !first ? ' Starting from the defaults.' : ' That setting is back at its default; the others are as linked.');
  }
  buildControls();
  accept(first);
  if (linkMessage) showMessage(linkMessage);
  addEventListener('resize', () => { structure = ''; if (state) render(state); });
  // a closed tab frees its network at once instead of after the idle timeout
  addEventListener('pagehide', () => { if (session) fetch('/api/sessions/' + session, {method: 'DELETE', keepalive: true, headers: {'content-type': 'application/json'}}); });
  frames();
}

start();
