// Train and watch: a registered architecture trained by the server's shared run; progress streams as server-sent events.
'use strict';
const $ = id => document.getElementById(id);
let architectures = [], job = null, events = null, lastRun = null;
window.trainStats = {events: 0, last: null};

function showMessage(text) { $('message').textContent = text || ''; }

async function loadArchitectures() {
  architectures = (await (await fetch('/api/architectures')).json()).architectures;
  for (const a of architectures) {
    const o = document.createElement('option');
    o.value = a.id; o.textContent = a.id + ' (week ' + a.week + ')';
    $('architecture').appendChild(o);
  }
  $('architecture').addEventListener('change', defaults);
  defaults();
}

function defaults() {
  const a = architectures.find(x => x.id === $('architecture').value);
  $('summary').textContent = a.summary;
  $('epochs').value = a.epochs; $('batchSize').value = a.batchSize; $('lr').value = a.lr;
  $('command').textContent = './nets ' + a.id.replace(/^cnn-/, 'cnn --arch ').replace(/^rnn-/, 'rnn --arch ')
    .replace(/^transformer$/, 'transformer');
}

async function post(path, body) {
  const res = await fetch(path, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
  const json = await res.json();
  if (!res.ok) throw new Error(json.error);
  return json;
}

async function start(resume) {
  for (const i of document.querySelectorAll('input.invalid')) i.classList.remove('invalid');
  showMessage('');
  const body = resume ? {architecture: $('architecture').value, resume: lastRun}
    : {architecture: $('architecture').value, epochs: $('epochs').value, batchSize: $('batchSize').value,
       lr: $('lr').value, limit: $('limit').value, seed: $('seed').value};
  try {
    watch(await post('/api/trainings', body));
  } catch (e) {
    showMessage(e.message);
    // the option the message names is marked on the form
    const flag = (e.message.match(/^(--[a-z-]+)/) || [])[1];
    const input = flag && document.querySelector(`input[data-flag="${flag}"]`);
    if (input) input.classList.add('invalid');
  }
}

function watch(j) {
  job = j;
  if (events) events.close();
  events = new EventSource('/api/trainings/' + j.id + '/events');
  events.onmessage = e => show(JSON.parse(e.data));
  events.onerror = () => { events.close(); events = null; };
  $('stop').disabled = false;
  $('resume').hidden = true;
  show(j);
}

function show(j) {
  window.trainStats.events++;
  window.trainStats.last = j;
  const status = {queued: 'Waiting: place ' + j.place + ' in the queue.',
    running: 'Training ' + j.architecture + ': epoch ' + Math.min(j.epoch + 1, j.epochs) + ' of ' + j.epochs
      + ', batch ' + j.batch + ' of ' + j.batches + '.'}[j.state] || j.message;
  $('status').textContent = status;
  $('batchProgress').max = Math.max(1, j.batches);
  $('batchProgress').value = j.batch;
  const body = $('epochs-table').querySelector('tbody');
  body.innerHTML = '';
  for (const r of j.history) {
    const tr = document.createElement('tr');
    tr.innerHTML = `<td>${r.epoch}</td><td>${r.trainLoss.toFixed(4)}</td><td>${r.valLoss.toFixed(4)}</td>`
      + `<td>${(100 * r.valAccuracy).toFixed(2)}%</td><td>${r.seconds.toFixed(1)}</td>`;
    body.appendChild(tr);
  }
  drawChart(j.history);
  if (j.run) lastRun = j.run;
  if (j.state === 'stopped' || j.state === 'done' || j.state === 'failed') {
    $('stop').disabled = true;
    $('resume').hidden = j.state !== 'stopped' || !lastRun;
  }
}

function drawChart(history) {
  const c = $('chart'), g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  g.font = '12px sans-serif';
  if (history.length === 0) return;
  const pad = 40, w = c.width - 2 * pad, h = c.height - 2 * pad;
  const losses = history.flatMap(r => [r.trainLoss, r.valLoss]).filter(Number.isFinite);
  const max = Math.max(...losses, 1e-6);
  const x = i => pad + (history.length === 1 ? w / 2 : i * w / (history.length - 1));
  const line = (values, colour, scale) => {
    g.strokeStyle = colour; g.fillStyle = colour; g.lineWidth = 2; g.beginPath();
    values.forEach((v, i) => { const y = pad + h - v / scale * h; if (i === 0) g.moveTo(x(i), y); else g.lineTo(x(i), y); });
    g.stroke();
    values.forEach((v, i) => { g.beginPath(); g.arc(x(i), pad + h - v / scale * h, 3, 0, 7); g.fill(); });
  };
  g.strokeStyle = '#ccc'; g.strokeRect(pad, pad, w, h);
  line(history.map(r => r.trainLoss), '#f59322', max);
  line(history.map(r => r.valLoss), '#0877bd', max);
  line(history.map(r => r.valAccuracy), '#2a9d3f', 1);
  g.fillStyle = '#333';
  g.fillText('loss (0 to ' + max.toFixed(2) + '): training orange, validation blue; validation accuracy green (0 to 100%)', pad, pad - 10);
  g.fillText('epoch 1', pad, c.height - 14);
  g.fillText('epoch ' + history.length, pad + w - 40, c.height - 14);
}

$('start').addEventListener('click', () => start(false));
$('resume').addEventListener('click', () => start(true));
$('stop').addEventListener('click', async () => {
  if (!job) return;
  try { show(await post('/api/trainings/' + job.id + '/stop', {})); } catch (e) { showMessage(e.message); }
});
loadArchitectures().catch(e => showMessage(e.message));
