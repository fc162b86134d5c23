// Text generation: the server writes with the chosen char-LSTM or GPT and streams each character as it is written.
'use strict';
const $ = id => document.getElementById(id);
let model = null, running = null;
window.generateStats = {chunks: 0, texts: []};

function showMessage(text) { $('message').textContent = text || ''; }

async function loadModels() {
  const res = await fetch('/api/text-models');
  const {models} = await res.json();
  if (models.length === 0) {
    showMessage('No trained text model in the runs folder yet: train one (./nets char-lstm --epochs 1, or ./nets gpt) and reload.');
    return;
  }
  for (const m of models) {
    const o = document.createElement('option');
    o.value = m.id;
    o.textContent = m.model + (Number.isFinite(m.testLoss) ? ' · test ' + m.testLoss.toFixed(3) + ' nats/char' : '')
      + ' · ' + m.created.replace('T', ' ').slice(0, 16);
    o.title = m.run;
    $('model').appendChild(o);
  }
  model = models[0].id;
  $('model').addEventListener('change', e => { model = e.target.value; });
}

async function generate(rapid) {
  if (!model) return;
  if (running) running.abort();
  const controller = new AbortController();
  running = controller;
  const body = JSON.stringify({prompt: $('prompt').value, length: Number($('length').value), unit: $('unit').value,
    temperature: Number($('temperature').value), topK: Number($('topK').value), seed: Number($('seed').value), rapid});
  $('given').textContent = $('prompt').value;
  $('written').textContent = '';
  $('stop').disabled = false;
  $('status').textContent = rapid ? 'writing…' : 'writing as the model goes…';
  showMessage('');
  const t0 = performance.now();
  let written = '';
  try {
    const res = await fetch('/api/text-models/' + model + '/generate',
      {method: 'POST', headers: {'content-type': 'application/json'}, body, signal: controller.signal});
    if (!res.ok) {
      let error = 'The server refused (' + res.status + ').';
      try { error = (await res.json()).error; } catch (e) { /* not JSON */ }
      throw new Error(error);
    }
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      written += decoder.decode(value, {stream: true});
      window.generateStats.chunks++;
      $('written').textContent = written;
    }
    written += decoder.decode();
    $('written').textContent = written;
    const s = (performance.now() - t0) / 1000;
    $('status').textContent = written.length + ' characters in ' + s.toFixed(1) + ' s';
    window.generateStats.texts.push(written);
  } catch (e) {
    if (e.name === 'AbortError') $('status').textContent = 'stopped after ' + written.length + ' characters';
    else showMessage(e.message);
  } finally {
    if (running === controller) { running = null; $('stop').disabled = true; }
  }
  if (running === null) showNext($('prompt').value + written);
}

/** The ten likeliest next characters after the text, as bars. */
async function showNext(text) {
  try {
    const res = await fetch('/api/text-models/' + model + '/next',
      {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({text})});
    const r = await res.json();
    if (!res.ok) throw new Error(r.error);
    window.generateStats.next = r;
    const order = r.probabilities.map((p, k) => [p, k]).sort((a, b) => b[0] - a[0]).slice(0, 10);
    $('next').innerHTML = '';
    for (const [p, k] of order) {
      const c = r.chars[k];
      const shown = c === '\n' ? '\\n' : c === ' ' ? 'space' : c;
      const row = document.createElement('div');
      row.className = 'bar';
      row.innerHTML = `<span></span><span class="track"><div class="fill" style="width:${(100 * p).toFixed(1)}%"></div></span><span>${(100 * p).toFixed(1)}%</span>`;
      row.firstChild.textContent = shown;
      $('next').appendChild(row);
    }
    $('nextSection').hidden = false;
    showAttention(r.context, r.attention);
  } catch (e) { showMessage(e.message); }
}

/**
 * A transformer's attention, as Transformer Explainer shows it: for every block and head, the characters of the
 * newest character's context, each shaded by the weight the newest gives it (the row's largest at full strength).
 */
function showAttention(context, layers) {
  $('attentionSection').hidden = layers.length === 0;
  $('attention').innerHTML = '';
  layers.forEach((heads, b) => heads.forEach((weights, h) => {
    const row = document.createElement('div');
    row.className = 'heads';
    const label = document.createElement('span');
    label.className = 'label';
    label.textContent = `block ${b + 1} · head ${h + 1}`;
    const line = document.createElement('span');
    line.className = 'line';
    const max = Math.max(...weights);
    weights.forEach((w, t) => {
      const c = document.createElement('span');
      c.textContent = context[t] === '\n' ? '\u21b5' : context[t] === ' ' ? '\u00a0' : context[t];
      c.style.background = `rgba(245, 147, 34, ${(w / max).toFixed(3)})`;
      c.title = `${(100 * w).toFixed(1)}%`;
      line.appendChild(c);
    });
    row.append(label, line);
    $('attention').appendChild(row);
  }));
}

$('generate').addEventListener('click', () => generate(false));
$('rapid').addEventListener('click', () => generate(true));
$('stop').addEventListener('click', () => { if (running) running.abort(); });
loadModels().catch(e => showMessage(e.message));
