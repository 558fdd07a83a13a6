// The active-sessions page. It signs in through Mattermost's login (the server sets the MMAUTHTOKEN cookie and the
// MMCSRF cookie), then calls the server as Mattermost's web app does: the session cookie goes by itself, and every
// request carries X-Requested-With: XMLHttpRequest and X-CSRF-Token (the MMCSRF cookie's value), the proof a write
// authenticated by cookie needs. Everything shown is put in with textContent: nothing the server sends becomes markup.

const $ = (id) => document.getElementById(id);

/** A refused request: the HTTP status and the server's AppError message and id. */
class ApiError extends Error {
  constructor(status, message, id) {
    super(message);
    this.status = status;
    this.id = id;
  }
}

function cookie(name) {
  for (const part of document.cookie.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      return decodeURIComponent(part.slice(eq + 1).trim());
    }
  }
  return '';
}

async function call(method, path, body) {
  const headers = { Accept: 'application/json', 'X-Requested-With': 'XMLHttpRequest' };
  const csrf = cookie('MMCSRF');
  if (csrf) {
    headers['X-CSRF-Token'] = csrf;
  }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'The server cannot be reached. Check your connection and try again.', '');
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (e) {
      data = null;
    }
  }
  if (!response.ok) {
    const message = data && typeof data.message === 'string' && data.message
      ? data.message
      : `The server answered ${response.status}.`;
    throw new ApiError(response.status, message, data && data.id ? data.id : '');
  }
  return data;
}

// ---- Times: "3 minutes ago", the exact time in the element's title and datetime.

const RELATIVE = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const EXACT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function relative(ms, now) {
  const s = Math.round((ms - now) / 1000);
  const abs = Math.abs(s);
  if (abs < 45) {
    return 'just now';
  }
  if (abs < 45 * 60) {
    return RELATIVE.format(Math.round(s / 60), 'minute');
  }
  if (abs < 22 * 3600) {
    return RELATIVE.format(Math.round(s / 3600), 'hour');
  }
  if (abs < 26 * 86400) {
    return RELATIVE.format(Math.round(s / 86400), 'day');
  }
  if (abs < 320 * 86400) {
    return RELATIVE.format(Math.round(s / (30 * 86400)), 'month');
  }
  return RELATIVE.format(Math.round(s / (365 * 86400)), 'year');
}

function timeElement(ms) {
  const t = document.createElement('time');
  const date = new Date(ms);
  t.dateTime = date.toISOString();
  t.title = EXACT.format(date);
  t.dataset.ms = String(ms);
  t.textContent = relative(ms, Date.now());
  return t;
}

function refreshTimes() {
  const now = Date.now();
  for (const t of document.querySelectorAll('time[data-ms]')) {
    t.textContent = relative(Number(t.dataset.ms), now);
  }
}

// ---- The status line: one polite live region; an error says so in words, not only in colour.

function say(message, isError = false) {
  const region = $('status');
  region.replaceChildren();
  const p = document.createElement('p');
  if (isError) {
    p.className = 'error';
    const label = document.createElement('strong');
    label.textContent = 'Error: ';
    p.append(label);
  }
  p.append(message);
  region.append(p);
}

function clearStatus() {
  $('status').replaceChildren();
}

// ---- Sessions as a list.

function client(session) {
  const props = session.props || {};
  const [name, version] = (props.browser || '').split('/');
  const browser = name && name !== 'Unknown' ? name : 'Unknown browser';
  const platform = props.platform && props.platform !== 'Unknown' ? props.platform : '';
  const os = props.os || '';
  const on = os || platform;
  return {
    title: on ? `${browser} on ${on}` : browser,
    browser: name && name !== 'Unknown' ? `${name}${version && version !== '0.0' ? ' ' + version : ''}` : 'Unknown',
    platform: platform || 'Unknown',
    os: os || 'Unknown',
    address: props.ip_address || '',
  };
}

function detail(dl, term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.append(value);
  dl.append(dt, dd);
}

/**
 * Fills a list with sessions. currentId marks the caller's own; onEnd(session, c) ends one (no button for the caller's
 * own session in "your devices": that is "Sign out").
 */
function renderSessions(list, sessions, currentId, onEnd, endOwn) {
  list.replaceChildren();
  const ordered = [...sessions].sort((a, b) => (b.id === currentId) - (a.id === currentId));
  if (ordered.length === 0) {
    const li = document.createElement('li');
    li.className = 'empty';
    li.textContent = 'No active sessions.';
    list.append(li);
    return;
  }
  for (const session of ordered) {
    const c = client(session);
    const li = document.createElement('li');
    li.className = 'session';
    li.dataset.sessionId = session.id;
    const title = document.createElement('p');
    title.className = 'device';
    title.textContent = c.title;
    if (session.id === currentId) {
      li.classList.add('current');
      li.dataset.current = 'true';
      const tag = document.createElement('span');
      tag.className = 'tag';
      tag.textContent = 'This device';
      title.append(' ', tag);
    }
    const dl = document.createElement('dl');
    detail(dl, 'Browser', c.browser);
    detail(dl, 'Platform', c.platform);
    detail(dl, 'OS', c.os);
    if (c.address) {
      detail(dl, 'Address', c.address);
    }
    detail(dl, 'Signed in', timeElement(session.create_at));
    detail(dl, 'Last active', timeElement(session.last_activity_at));
    li.append(title, dl);
    if (session.id !== currentId || endOwn) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'danger end';
      button.append('End session');
      const which = document.createElement('span');
      which.className = 'visually-hidden';
      which.textContent = `: ${c.title}, last active ${relative(session.last_activity_at, Date.now())}`;
      button.append(which);
      button.addEventListener('click', () => onEnd(session, c));
      li.append(button);
    }
    list.append(li);
  }
}

// ---- What the page knows.

let me = null; // {user, session_id, may_manage_system}
let found = null; // {user, sessions}

/** Runs an action with the page's buttons disabled, so a double click sends one request. */
async function busy(action) {
  const buttons = [...document.querySelectorAll('button')].filter((b) => !b.disabled);
  buttons.forEach((b) => { b.disabled = true; });
  document.body.setAttribute('aria-busy', 'true');
  try {
    await action();
  } catch (e) {
    failed(e);
  } finally {
    buttons.forEach((b) => { b.disabled = false; });
    document.body.removeAttribute('aria-busy');
  }
}

/** Shows a refusal: a 401 once signed in means the session ended (elsewhere, or just now), so sign in again. */
function failed(e) {
  if (!(e instanceof ApiError)) {
    say('Something went wrong on this page. Reload it and try again.', true);
    console.error(e);
    return;
  }
  if (e.status === 401 && me !== null) {
    showSignIn();
    say(`Your session has ended: sign in again. (${e.message})`, true);
    return;
  }
  say(e.message, true);
}

function showSignIn() {
  me = null;
  found = null;
  $('loading').hidden = true;
  $('account').hidden = true;
  $('devices').hidden = true;
  $('admin').hidden = true;
  $('found').hidden = true;
  $('device-list').replaceChildren();
  $('found-list').replaceChildren();
  $('sign-in').hidden = false;
  $('password').value = '';
  $('login-id').focus();
}

async function showSignedIn() {
  me = await call('GET', '/sr/v1/me');
  $('loading').hidden = true;
  $('sign-in').hidden = true;
  $('account-name').textContent = me.user.username;
  $('account').hidden = false;
  $('devices').hidden = false;
  await loadDevices();
  $('admin').hidden = !me.may_manage_system;
  if (me.may_manage_system) {
    await loadCount();
  }
}

async function loadDevices() {
  const sessions = await call('GET', '/api/v4/users/me/sessions');
  renderSessions($('device-list'), sessions, me.session_id, endMine, false);
}

function endMine(session, c) {
  busy(async () => {
    await call('POST', '/api/v4/users/me/sessions/revoke', { session_id: session.id });
    await loadDevices();
    say(`Ended the session of ${c.title}. That device is signed out.`);
    $('devices-title').focus();
  });
}

async function loadCount() {
  const count = await call('GET', '/sr/v1/sessions/count');
  const p = $('count');
  p.replaceChildren();
  const n = count.count.toLocaleString('en');
  const noun = count.count === 1 ? 'session is' : 'sessions are';
  p.append(`${count.exact ? '' : 'About '}${n} ${noun} active on this server (counted `, timeElement(count.counted_at),
    ').');
}

async function showFound(loginId) {
  found = await call('GET', `/sr/v1/users/sessions?login_id=${encodeURIComponent(loginId)}`);
  const u = found.user;
  const n = found.sessions.length;
  $('found-title').textContent =
    `${u.username}${u.email ? ' (' + u.email + ')' : ''}: ${n} active ${n === 1 ? 'session' : 'sessions'}`;
  $('revoke-user-all').hidden = n === 0;
  renderSessions($('found-list'), found.sessions, me.session_id, endTheirs, true);
  $('found').hidden = false;
}

/** After an admin ended sessions: was the admin's own among them? Then this page is signed out too. */
async function afterAdminRevoke(message) {
  try {
    await call('GET', '/sr/v1/me');
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      showSignIn();
      say(`${message} Yours was among them: you are signed out.`);
      return;
    }
    throw e;
  }
  await showFound(found.user.username);
  await loadDevices();
  await loadCount();
  say(message);
  $('found-title').focus();
}

function endTheirs(session, c) {
  const user = found.user;
  busy(async () => {
    await call('POST', `/api/v4/users/${encodeURIComponent(user.id)}/sessions/revoke`, { session_id: session.id });
    await afterAdminRevoke(`Ended the session of ${user.username} on ${c.title}.`);
  });
}

// ---- Wiring.

function wire() {
  $('sign-in-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const loginId = $('login-id').value.trim();
    const password = $('password').value;
    if (!loginId || !password) {
      say('Enter your username or email, and your password.', true);
      (loginId ? $('password') : $('login-id')).focus();
      return;
    }
    busy(async () => {
      try {
        await call('POST', '/api/v4/users/login', { login_id: loginId, password });
      } catch (e) {
        $('password').value = '';
        $('password').focus();
        throw e;
      }
      $('password').value = '';
      await showSignedIn();
      say(`Signed in as ${me.user.username}.`);
      $('devices-title').focus();
    });
  });

  $('sign-out').addEventListener('click', () => busy(async () => {
    await call('POST', '/api/v4/users/logout');
    showSignIn();
    say('You are signed out.');
  }));

  $('refresh').addEventListener('click', () => busy(async () => {
    await loadDevices();
    say('The list of your devices is up to date.');
  }));

  $('revoke-others').addEventListener('click', () => busy(async () => {
    await call('POST', '/sr/v1/users/me/sessions/revoke/others');
    await loadDevices();
    say('Logged out of all other devices. Only this one is signed in.');
    $('devices-title').focus();
  }));

  $('recount').addEventListener('click', () => busy(async () => {
    await loadCount();
    say('Sessions counted again.');
  }));

  $('find-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const loginId = $('find-login').value.trim();
    if (!loginId) {
      say('Enter a username or email to find.', true);
      $('find-login').focus();
      return;
    }
    busy(async () => {
      try {
        await showFound(loginId);
      } catch (e) {
        found = null;
        $('found').hidden = true;
        $('find-login').focus();
        throw e;
      }
      clearStatus();
      $('found-title').focus();
    });
  });

  $('revoke-user-all').addEventListener('click', () => {
    const user = found.user;
    busy(async () => {
      await call('POST', `/api/v4/users/${encodeURIComponent(user.id)}/sessions/revoke/all`);
      await afterAdminRevoke(`Ended every session of ${user.username}.`);
    });
  });

  setInterval(refreshTimes, 30_000);
}

async function start() {
  wire();
  try {
    await showSignedIn();
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      showSignIn(); // no session yet: the usual first visit
    } else {
      showSignIn();
      failed(e);
    }
  }
}

start();
