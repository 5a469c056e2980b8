// The enrollment desk page. Vanilla JS, no dependencies: it talks to /api/v1/desk/.
'use strict';
const API = '/api/v1/desk/';
const STEPS = ['face', 'fingers', 'signature', 'search', 'review', 'committed'];
const $ = (id) => document.getElementById(id);
let me = null;      // signed-in user with CSRF token
let cur = null;     // summary of the enrollment on screen
let preview = null; // WebRTC preview state
window.previewFrames = 0; // frames decoded and drawn (read by the browser test)

function show(id) {
  document.querySelectorAll('.screen').forEach((s) => { s.hidden = s.id !== id; });
  const first = $(id).querySelector('input, select, button.primary');
  if (first) first.focus();
}
function say(text, info) { const m = $('message'); m.textContent = text || ''; m.hidden = !text; m.className = info ? 'info' : ''; }
function busy(text) { $('busy-text').textContent = text || ''; $('busy').hidden = !text; document.querySelectorAll('button').forEach((b) => { b.disabled = !!text; }); }

async function call(method, path, body, busyText) {
  const opt = { method, headers: {}, credentials: 'same-origin' };
  if (me) opt.headers['X-CSRF-Token'] = me.csrf;
  if (body !== undefined) { opt.headers['Content-Type'] = 'application/json'; opt.body = JSON.stringify(body); }
  if (busyText) busy(busyText);
  try {
    const r = await fetch(API + path, opt);
    if (r.status === 401 && path !== 'login') { me = null; stopPreview(); showSignin('Signed out (inactivity). Sign in again.'); throw new Error('signed out'); }
    const data = r.status === 204 ? {} : await r.json();
    return { ok: r.ok, status: r.status, data };
  } finally { if (busyText) busy(''); }
}
function form(id) { return Object.fromEntries(new FormData($(id)).entries()); }

function showSignin(text) { $('who').hidden = true; say(text); show('screen-signin'); }

async function signedIn(data) {
  me = data;
  $('who-name').textContent = me.name || me.user; $('who-role').textContent = me.role; $('who').hidden = false;
  say('');
  await home();
}

async function home() {
  stopPreview(); cur = null;
  const p = await call('GET', 'profiles');
  const sel = $('sel-profile'); sel.textContent = '';
  for (const pr of p.data) { const o = document.createElement('option'); o.value = pr.name; o.textContent = pr.name; sel.append(o); }
  const l = await call('GET', 'enrollments');
  const tb = $('tbl-open').tBodies[0]; tb.textContent = '';
  for (const s of l.data || []) {
    const tr = tb.insertRow();
    const pending = (s.exceptions || []).filter((e) => !e.approved_by).length;
    [s.case.receipt, s.officer, s.step, pending ? pending + ' awaiting approval' : '—'].forEach((t) => { tr.insertCell().textContent = t; });
    const b = document.createElement('button'); b.type = 'button';
    if (s.officer === me.user) { b.textContent = 'Resume'; b.onclick = () => open(s.id); }
    else { b.textContent = 'Approve…'; b.disabled = me.role !== 'supervisor' || !pending; b.onclick = () => approveScreen(s.id); }
    tr.insertCell().append(b);
  }
  renderStatus((await call('GET', 'status')).data);
  show('screen-home');
}

function renderStatus(st) {
  const tb = $('tbl-devices').tBodies[0]; tb.textContent = '';
  for (const d of Array.isArray(st.devices) ? st.devices : []) {
    const tr = tb.insertRow();
    const info = d.info ? [d.info.model, d.info.serial, d.info.firmware].filter(Boolean).join(' · ') : '';
    [d.name, d.kind, d.driver + (d.emulated ? ' (emulated)' : ''), d.state, d.reason || info].forEach((t) => { tr.insertCell().textContent = t || ''; });
    tr.className = d.state === 'loaded' ? '' : 'bad';
  }
  const q = st.queue;
  $('queue-state').textContent = q ? `Outbox: ${q.state}; ${q.queue ? q.queue.Unsent : '?'} packet(s) waiting for the centre.` : 'Outbox: not connected.';
  $('queue-state').className = q && !q.accepting ? 'warn' : '';
}

async function open(id) { const r = await call('GET', 'enrollments/' + id); render(r.data.summary); }

function render(sum) {
  cur = sum;
  const pr = $('progress'); pr.textContent = '';
  const idx = STEPS.indexOf(sum.step);
  for (const st of STEPS) {
    const li = document.createElement('li'); li.textContent = st;
    const i = STEPS.indexOf(st);
    li.className = i < idx ? 'done' : (i === idx ? 'current' : '');
    if (i === idx) li.setAttribute('aria-current', 'step');
    pr.append(li);
  }
  $('case-line').textContent = `Case ${sum.case.receipt} · ${sum.case.application_type} · ${sum.case.name} · born ${sum.case.date_of_birth.slice(0, 10)}`;
  document.querySelectorAll('.step').forEach((d) => { d.hidden = d.id !== 'step-' + sum.step; });
  if (sum.step === 'face') startPreview(); else stopPreview();
  if (sum.step === 'fingers') $('finger-name').textContent = (sum.fingers.find((f) => f.position === sum.current_finger) || {}).finger || '';
  renderFingers(sum);
  if (sum.step === 'review') renderReview(sum);
  if (sum.step === 'committed') $('packet-id').textContent = sum.packet_id;
  show('screen-enroll');
  const b = document.querySelector('#step-' + sum.step + ' button.primary'); if (b) b.focus();
}

function renderFingers(sum) {
  const g = $('finger-grid'); g.textContent = '';
  for (const f of sum.fingers || []) {
    const fig = document.createElement('figure');
    if (f.captured) { const img = document.createElement('img'); img.alt = f.finger; img.src = `${API}enrollments/${sum.id}/fingers/${f.position}?a=${f.attempts}`; fig.append(img); }
    const cap = document.createElement('figcaption');
    cap.textContent = f.finger + (f.captured ? ` · quality ${f.quality}${f.low_quality ? ' (best of 3)' : ''}` : f.missing ? ` · missing (${f.missing})` : ' · pending');
    fig.append(cap); g.append(fig);
  }
}

function renderReview(sum) {
  const r = $('review'); r.textContent = '';
  const add = (t) => { const p = document.createElement('p'); p.textContent = t; r.append(p); };
  const row = $('review-images'); row.textContent = ''; // below the commit button: loading images do not move it
  const img = (src, alt) => { const i = document.createElement('img'); i.src = src; i.alt = alt; i.className = 'review-img'; row.append(i); };
  if (sum.face) img(`${API}enrollments/${sum.id}/face.jpg`, 'Accepted photo');
  for (const f of sum.fingers || []) if (f.captured) img(`${API}enrollments/${sum.id}/fingers/${f.position}`, f.finger);
  if (sum.signature) img(`${API}enrollments/${sum.id}/signature.png`, 'Signature');
  add('Face: ' + (sum.face ? 'accepted' : 'not in this profile'));
  add('Fingers: ' + (sum.fingers || []).map((f) => f.finger + ' ' + (f.captured ? 'q' + f.quality : f.missing || '—')).join(', '));
  add('Signature: ' + (sum.signature ? 'accepted' : 'none'));
  if (sum.search) add('Search: ' + (sum.search.candidates && sum.search.candidates.length ? `hit, ${sum.search.decision}` : 'no hit'));
  for (const e of sum.exceptions || []) add(`Exception ${e.id}: ${e.kind} ${e.code || ''} “${e.note}” — ${e.approved_by ? 'approved by ' + e.approved_by : 'awaiting a supervisor'}`);
  const ul = $('open-items'); ul.textContent = '';
  for (const o of sum.open || []) { const li = document.createElement('li'); li.textContent = o; ul.append(li); }
}

async function act(path, body, busyText, after) {
  const r = await call('POST', `enrollments/${cur.id}/${path}`, body, busyText);
  if (r.data.summary) render(r.data.summary);
  say(r.ok ? '' : r.data.error);
  if (after) after(r);
  return r;
}

// --- live preview: WebRTC DataChannel carrying JPEG frames ---
async function startPreview() {
  if (preview) return;
  const pc = new RTCPeerConnection({ iceServers: [] });
  const dc = pc.createDataChannel('preview');
  pc.addTransceiver('video', { direction: 'recvonly' }); // a VP8 build answers with a track
  pc.ontrack = (ev) => {
    const v = $('preview-video'); v.srcObject = new MediaStream([ev.track]); v.hidden = false; $('preview').hidden = true;
    window.previewMode = 'vp8';
    const t0 = performance.now();
    const count = () => { window.previewFrames++; $('preview-stats').textContent = `VP8 · ${(window.previewFrames / ((performance.now() - t0) / 1000)).toFixed(1)} fps`; v.requestVideoFrameCallback(count); };
    v.requestVideoFrameCallback(count);
    v.play().catch(() => {});
  };
  dc.binaryType = 'arraybuffer';
  preview = { pc, dc, parts: new Map(), bytes: 0, t0: performance.now() };
  const ctx = $('preview').getContext('2d');
  dc.onmessage = async (ev) => {
    window.previewMode = 'jpeg';
    const b = new Uint8Array(ev.data);
    if (b[0] !== 0x4a) return;
    const v = new DataView(ev.data);
    const seq = v.getUint32(2), idx = v.getUint16(6), n = v.getUint16(8);
    let fr = preview.parts.get(seq);
    if (!fr) { fr = { n, got: 0, chunks: new Array(n) }; preview.parts.set(seq, fr); }
    if (!fr.chunks[idx]) { fr.chunks[idx] = b.subarray(12); fr.got++; }
    if (fr.got < fr.n) return;
    preview.parts.delete(seq);
    for (const k of preview.parts.keys()) if (k < seq) preview.parts.delete(k);
    const blob = new Blob(fr.chunks, { type: 'image/jpeg' });
    try {
      const bmp = await createImageBitmap(blob);
      const c = $('preview'); if (c.width !== bmp.width || c.height !== bmp.height) { c.width = bmp.width; c.height = bmp.height; }
      ctx.drawImage(bmp, 0, 0); bmp.close();
      window.previewFrames++; preview.bytes += blob.size;
      const s = (performance.now() - preview.t0) / 1000;
      $('preview-stats').textContent = `${(window.previewFrames / s).toFixed(1)} fps · ${(preview.bytes * 8 / s / 1000).toFixed(0)} kbit/s`;
    } catch (e) { /* a damaged frame is skipped */ }
  };
  await pc.setLocalDescription(await pc.createOffer());
  await new Promise((res) => { if (pc.iceGatheringState === 'complete') res(); pc.onicegatheringstatechange = () => { if (pc.iceGatheringState === 'complete') res(); }; setTimeout(res, 3000); });
  const r = await call('POST', 'preview', { type: 'offer', sdp: pc.localDescription.sdp });
  if (!r.ok) { say('Live preview unavailable: ' + r.data.error); stopPreview(); return; }
  await pc.setRemoteDescription(r.data);
}
function stopPreview() {
  if (preview) { preview.pc.close(); preview = null; }
  const v = $('preview-video'); v.hidden = true; v.srcObject = null; $('preview').hidden = false;
}

// --- signature drawn live (server-sent events from the pad) ---
function liveSignature() {
  const c = $('sig-live'), g = c.getContext('2d');
  g.fillStyle = '#fff'; g.fillRect(0, 0, c.width, c.height); g.strokeStyle = '#000'; g.lineWidth = 2;
  const es = new EventSource(`${API}enrollments/${cur.id}/signature/live`);
  let last = null; let maxX = 1, maxY = 1; const pts = [];
  es.onmessage = (ev) => {
    const p = JSON.parse(ev.data); pts.push(p); window.sigPoints = (window.sigPoints || 0) + 1;
    maxX = Math.max(maxX, p.x); maxY = Math.max(maxY, p.y);
    const k = Math.min(c.width / (maxX * 1.05), c.height / (maxY * 1.05));
    if (p.tip && last && last.tip) { g.beginPath(); g.moveTo(last.x * k, last.y * k); g.lineTo(p.x * k, p.y * k); g.stroke(); }
    last = p;
  };
  es.addEventListener('end', () => es.close());
  return es;
}

async function approveScreen(id) {
  const r = await call('GET', 'enrollments/' + id);
  const sum = r.data.summary;
  $('approve-case').textContent = `Case ${sum.case.receipt} · officer ${sum.officer}`;
  const list = $('approve-list'); list.textContent = '';
  for (const e of sum.exceptions || []) {
    const div = document.createElement('div');
    const p = document.createElement('p'); p.textContent = `Exception ${e.id}: ${e.kind} ${e.code || ''} — “${e.note}” (raised by ${e.raised_by})`;
    div.append(p);
    if (!e.approved_by) {
      const f = document.createElement('form');
      f.innerHTML = '<label>Justification <input name="justification" required maxlength="300"></label><button type="submit">Approve</button>';
      f.onsubmit = async (ev) => {
        ev.preventDefault();
        const a = await call('POST', `enrollments/${id}/exceptions/${e.id}/approve`, { justification: new FormData(f).get('justification') }, 'Approving…');
        say(a.ok ? 'Exception approved.' : a.data.error, a.ok); if (a.ok) approveScreen(id);
      };
      div.append(f);
    } else { const q = document.createElement('p'); q.textContent = 'approved by ' + e.approved_by; div.append(q); }
    list.append(div);
  }
  show('screen-approve');
}

function wire() {
  $('form-signin').onsubmit = async (ev) => {
    ev.preventDefault();
    const r = await call('POST', 'login', form('form-signin'), 'Signing in…');
    if (!r.ok) { say(r.data.error); return; }
    $('form-signin').reset(); await signedIn(r.data);
  };
  $('btn-logout').onclick = async () => { await call('POST', 'logout'); me = null; stopPreview(); showSignin('Signed out.'); };
  $('btn-home').onclick = () => home();
  $('btn-approve-back').onclick = () => home();
  $('form-case').onsubmit = async (ev) => {
    ev.preventDefault();
    const r = await call('POST', 'enrollments', form('form-case'), 'Opening the case…');
    if (!r.ok) { say(r.data.error); return; }
    $('form-case').reset(); say(''); render(r.data.summary);
  };
  $('btn-face').onclick = () => act('face', undefined, 'Taking the photo and checking it…', (r) => {
    const ul = $('face-problems'); ul.textContent = '';
    for (const p of (r.data.outcome && r.data.outcome.Problems) || []) { const li = document.createElement('li'); li.textContent = p; ul.append(li); }
  });
  $('btn-finger').onclick = () => act('finger', undefined, 'Place the finger on the scanner…', (r) => {
    const o = r.data.outcome; const el = $('finger-outcome');
    if (!o) { el.textContent = ''; return; }
    el.textContent = `${o.finger}, attempt ${o.attempt}: quality ${o.quality}` + (o.accepted ? (o.low_quality ? ' — best of three kept' : ' — accepted') : ` — ${o.reason}, ${o.retries_left} attempts left`);
    el.className = 'outcome ' + (o.accepted ? 'ok' : 'bad');
  });
  $('form-missing').onsubmit = (ev) => { ev.preventDefault(); act('finger/missing', form('form-missing'), 'Recording…'); $('form-missing').reset(); };
  $('btn-signature').onclick = () => {
    const es = liveSignature();
    act('signature', undefined, 'Sign on the pad now…', (r) => {
      es.close();
      const o = r.data.outcome; $('sig-outcome').textContent = r.ok ? 'Signature accepted.' : (r.data.error || '');
      $('sig-outcome').className = 'outcome ' + (r.ok ? 'ok' : 'bad'); void o;
    });
  };
  $('form-unable').onsubmit = (ev) => { ev.preventDefault(); act('signature/unable', form('form-unable'), 'Recording…'); $('form-unable').reset(); };
  $('btn-search').onclick = () => act('search', undefined, 'Searching the register…', (r) => {
    const o = r.data.outcome; const hit = o && o.candidates && o.candidates.length;
    $('search-hit').hidden = !hit;
    if (!hit) return;
    const tb = $('tbl-cands').tBodies[0]; tb.textContent = '';
    for (const c of o.candidates) {
      const tr = tb.insertRow(); tr.insertCell().textContent = c.subject_id; tr.insertCell().textContent = c.score.toFixed(3);
      const b = document.createElement('button'); b.type = 'button'; b.textContent = 'Same person: reuse';
      b.onclick = () => act('decision', { decision: 'reuse', subject_id: c.subject_id }, 'Recording…');
      tr.insertCell().append(b);
    }
  });
  $('form-continue').onsubmit = (ev) => { ev.preventDefault(); act('decision', { decision: 'continue', justification: form('form-continue').justification }, 'Recording…'); };
  $('btn-commit').onclick = () => act('commit', undefined, 'Building and sealing the packet…');
  $('btn-redo').onclick = () => act('redo', { step: $('sel-redo').value }, 'Going back…');
  $('btn-cancel').onclick = async () => {
    const reason = window.prompt('Why is the enrollment cancelled?');
    if (reason) { await act('cancel', { reason }, 'Cancelling…'); home(); }
  };
}

window.addEventListener('DOMContentLoaded', async () => {
  wire();
  const r = await fetch(API + 'me', { credentials: 'same-origin' });
  if (r.ok) await signedIn(await r.json()); else showSignin('');
});
