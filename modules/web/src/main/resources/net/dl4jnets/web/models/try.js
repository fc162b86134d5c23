// "Try a trained model": the server lists the runs folder's Fashion-MNIST models and analyses an image with one.
// The drawing goes to the server as a PNG and is converted there exactly as ./nets predict converts a file.
'use strict';
const $ = id => document.getElementById(id);
const CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
let model = null;
window.tryStats = {analyses: 0, last: null};

function showMessage(text) { $('message').textContent = text || ''; }

async function call(method, path, body, type) {
  const opts = {method, headers: {}};
  if (body !== undefined) { opts.body = body; opts.headers['content-type'] = type || 'application/json'; }
  const res = await fetch(path, opts);
  let json = null;
  try { json = await res.json(); } catch (e) { /* reported below */ }
  if (!res.ok) throw new Error(json && json.error ? json.error : 'The server refused the request (' + res.status + ').');
  return json;
}

async function loadModels() {
  const {models} = await call('GET', '/api/models');
  const select = $('model');
  select.innerHTML = '';
  if (models.length === 0) {
    showMessage('No trained Fashion-MNIST model in the runs folder yet: train one (./nets mlp --epochs 2, for a quick '
      + 'one) and reload this page.');
    return;
  }
  for (const m of models) {
    const o = document.createElement('option');
    o.value = m.id;
    o.textContent = m.architecture + ' · test accuracy ' + (100 * m.accuracy).toFixed(2) + '% · ' + m.created.replace('T', ' ').slice(0, 16);
    o.title = m.run;
    select.appendChild(o);
  }
  model = models[0].id;
  select.addEventListener('change', () => { model = select.value; analyseDrawing(); loadConfusion(); });
  loadConfusion();
}

function show(a, label) {
  window.tryStats.analyses++;
  window.tryStats.last = a;
  // the 28 x 28 pixels the network was given
  const c = document.createElement('canvas');
  c.width = c.height = 28;
  const img = c.getContext('2d').createImageData(28, 28);
  a.pixels.forEach((v, i) => { img.data.set([v, v, v, 255], 4 * i); });
  c.getContext('2d').putImageData(img, 0, 0);
  $('seen').src = c.toDataURL();
  $('saliency').src = a.saliency;
  const order = a.probabilities.map((p, k) => [p, k]).sort((x, y) => y[0] - x[0]);
  $('bars').innerHTML = '';
  order.forEach(([p, k], rank) => {
    const row = document.createElement('div');
    row.className = 'bar' + (rank === 0 ? ' top' : '');
    row.dataset.class = CLASSES[k];
    row.innerHTML = `<span>${CLASSES[k]}</span><span class="track"><div class="fill" style="width:${(100 * p).toFixed(1)}%"></div></span><span>${(100 * p).toFixed(1)}%</span>`;
    $('bars').appendChild(row);
  });
  $('truth').textContent = label === undefined ? '' : 'This test image is a ' + CLASSES[label] + '.';
  $('mapsSection').hidden = a.maps.length === 0;
  $('maps').innerHTML = '';
  for (const m of a.maps) {
    const f = document.createElement('figure');
    f.innerHTML = `<img src="${m.image}" alt="${m.layer}"><figcaption>${m.layer}: ${m.channels} channels of ${m.size} × ${m.size}`
      + (m.channels > 32 ? ' (the first 32)' : '') + '</figcaption>';
    f.addEventListener('click', () => f.classList.toggle('big'));
    $('maps').appendChild(f);
  }
  $('attentionSection').hidden = a.attention.length === 0;
  $('attention').innerHTML = '';
  for (const m of a.attention) {
    const f = document.createElement('figure');
    f.innerHTML = `<img src="${m.image}" alt="${m.layer}" width="168" height="168"><figcaption>${m.layer}</figcaption>`;
    $('attention').appendChild(f);
  }
}

// ---------- the run's test confusion matrix, and the test images behind a cell ----------
async function loadConfusion() {
  const mine = model;
  $('confusion').innerHTML = '<tr><td class="hint">reading the test images…</td></tr>';
  $('cellImages').innerHTML = '';
  try {
    const r = await call('GET', '/api/models/' + mine + '/confusion');
    if (mine !== model) return;
    window.tryStats.confusion = r.counts;
    const max = Math.max(...r.counts.flat());
    let html = '<tr><th class="row"></th>' + r.labels.map(l => `<th title="${l}">${l.slice(0, 5)}</th>`).join('') + '</tr>';
    r.counts.forEach((row, t) => {
      html += `<tr><th class="row">${r.labels[t]}</th>` + row.map((n, p) => {
        const a = n === 0 ? 0 : 0.12 + 0.88 * n / max;
        const colour = t === p ? `rgba(8,119,189,${a})` : `rgba(245,147,34,${a})`;
        return `<td data-true="${t}" data-predicted="${p}" style="background:${colour};color:${a > 0.6 ? 'white' : '#333'}">${n}</td>`;
      }).join('') + '</tr>';
    });
    $('confusion').innerHTML = html;
    for (const td of $('confusion').querySelectorAll('td')) td.addEventListener('click', () => showCell(td));
  } catch (e) { showMessage(e.message); }
}

async function showCell(td) {
  for (const c of $('confusion').querySelectorAll('td.chosen')) c.classList.remove('chosen');
  td.classList.add('chosen');
  const t = Number(td.dataset.true), p = Number(td.dataset.predicted);
  const r = await call('GET', `/api/models/${model}/cell?true=${t}&predicted=${p}`);
  $('cellImages').innerHTML = `<div class="hint">${CLASSES[t]} taken for ${CLASSES[p]}: ${r.images.length === 24 ? 'the first 24' : r.images.length}</div>`;
  for (const px of r.images) {
    const c = document.createElement('canvas');
    c.width = c.height = 28;
    const img = c.getContext('2d').createImageData(28, 28);
    px.forEach((v, i) => { img.data.set([v, v, v, 255], 4 * i); });
    c.getContext('2d').putImageData(img, 0, 0);
    $('cellImages').appendChild(c);
  }
  window.tryStats.cellImages = r.images.length;
}

// ---------- drawing ----------
const canvas = $('draw');
const ctx = canvas.getContext('2d');
let drawing = false, drawn = false, last = null;

function clearCanvas() {
  ctx.fillStyle = 'black';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  drawn = false;
}

function point(e) {
  const r = canvas.getBoundingClientRect();
  return [(e.clientX - r.left) * canvas.width / r.width, (e.clientY - r.top) * canvas.height / r.height];
}

canvas.addEventListener('pointerdown', e => { drawing = true; last = point(e); canvas.setPointerCapture(e.pointerId); stroke(e); });
canvas.addEventListener('pointermove', e => { if (drawing) stroke(e); });
canvas.addEventListener('pointerup', () => { drawing = false; analyseDrawing(); });

function stroke(e) {
  const p = point(e);
  ctx.strokeStyle = 'white';
  ctx.lineWidth = Number($('brush').value);
  ctx.lineCap = ctx.lineJoin = 'round';
  ctx.beginPath();
  ctx.moveTo(last[0], last[1]);
  ctx.lineTo(p[0], p[1]);
  ctx.stroke();
  last = p;
  drawn = true;
}

// Answers can arrive out of order (a stroke's analysis after the next one's): only the latest request's is shown.
let asked = 0;

async function latest(request, testImage) {
  const mine = ++asked;
  try {
    const r = await request();
    if (mine !== asked) return;
    if (testImage) show(r.analysis, r.label); else show(r);
    showMessage('');
  } catch (e) {
    if (mine === asked) showMessage(e.message);
  }
}

async function analyseDrawing() {
  if (!model || !drawn) return;
  const blob = await new Promise(r => canvas.toBlob(r, 'image/png'));
  latest(() => call('POST', '/api/models/' + model + '/image', blob, 'image/png'));
}

$('clear').addEventListener('click', clearCanvas);
$('test').addEventListener('click', async () => {
  if (!model) return;
  latest(() => call('GET', '/api/models/' + model + '/test-image?seed=' + Math.floor(Math.random() * 1e9)), true);
});
$('upload').addEventListener('change', async e => {
  const file = e.target.files[0];
  if (!file || !model) return;
  latest(() => call('POST', '/api/models/' + model + '/image', file, file.type || 'image/png')
    .catch(err => { throw new Error(file.name + ': ' + err.message); }));
});

clearCanvas();
loadModels().catch(e => showMessage(e.message));
