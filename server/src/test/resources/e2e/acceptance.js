// Mattermost's own acceptance cases for the session endpoints (compat document: G1-G7, R1-R8), plus revokeSession,
// logout and revokeSessionsForAllUsers, driven through the official JavaScript client, unchanged. Prints one line per
// case and a summary line "N passed, M failed"; exits non-zero if any failed.
//
// Environment: SR_URL, and SR_ADMIN, SR_USER, SR_USER2 as "login:password". An application with roles and user ids of
// its own (the Spring Boot starter's endpoints) says which: SR_ADMIN_ROLE, the admin's role (default system_admin),
// and SR_MALFORMED_ID_PREFIX, what makes a user id malformed in front of a good one (default "junk", as Mattermost's
// test: a 26-character id grown longer).
'use strict';
const assert = require('node:assert/strict');
const {Client4} = require('@mattermost/client');
const {test, run} = require('./cases');

const url = process.env.SR_URL;
const [admin, user, user2] = ['SR_ADMIN', 'SR_USER', 'SR_USER2'].map((name) => {
    const [login, password] = (process.env[name] || '').split(':');
    assert.ok(login && password, `${name} must be login:password`);
    return {login, password};
});
const adminRole = process.env.SR_ADMIN_ROLE || 'system_admin';
const malformedIdPrefix = process.env.SR_MALFORMED_ID_PREFIX || 'junk';
const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';
const randomId = () => Array.from({length: 26}, () => ALPHABET[Math.floor(Math.random() * 32)]).join('');

function client() {
    const c = new Client4();
    c.setUrl(url);
    return c;
}

async function loggedIn(who) {
    const c = client();
    const me = await c.login(who.login, who.password);
    assert.equal(typeof c.getToken(), 'string');
    // 26 random characters, after the store's routing prefix (on the Redis store, a digest of the user id: 52
    // characters that never show the id itself).
    assert.match(c.getToken(), new RegExp('^([' + ALPHABET + ']{52})?[' + ALPHABET + ']{26}$'),
        'the Token header carries the session token');
    assert.ok(!c.getToken().includes(me.id), 'the token does not show the user id');
    return {c, me};
}

/** The call fails with this status, as the client reports it (status_code from the AppError body). */
async function rejects(promise, status) {
    let error;
    try {
        await promise;
    } catch (e) {
        error = e;
    }
    assert.ok(error, `expected HTTP ${status}, but the call succeeded`);
    assert.equal(error.constructor.name, 'ClientError', `expected a ClientError, got ${error}`);
    assert.equal(error.status_code, status, `expected ${status}, got ${error.status_code}: ${error.message}`);
    assert.ok(error.server_error_id, 'the AppError has an id');
}

const state = {};

test('login as each user', async () => {
    state.admin = await loggedIn(admin);
    state.user = await loggedIn(user);
    state.user2 = await loggedIn(user2);
    assert.equal(state.user.me.username, user.login);
    assert.ok(state.admin.me.roles.split(' ').includes(adminRole));
});

test('G1: a user lists its own sessions, each sanitized', async () => {
    const sessions = await state.user.c.getSessions(state.user.me.id);
    assert.ok(Array.isArray(sessions) && sessions.length >= 1);
    for (const s of sessions) {
        assert.equal(s.user_id, state.user.me.id);
        assert.equal(s.token, '', 'the token is sanitized away');
        assert.equal(s.props.csrf, undefined, 'secret props are sanitized away');
        assert.deepEqual(Object.keys(s), ['id', 'token', 'create_at', 'expires_at', 'last_activity_at', 'user_id',
            'device_id', 'roles', 'is_oauth', 'expired_notify', 'props', 'team_members', 'local']);
    }
    const viaMe = await state.user.c.getSessions('me');
    assert.deepEqual(viaMe.map((s) => s.id).sort(), sessions.map((s) => s.id).sort());
});

test('G2: a user may not list another user\'s sessions', async () => {
    await rejects(state.user.c.getSessions(state.user2.me.id), 403);
});

test('G3: a user may not list the sessions of a random id', async () => {
    await rejects(state.user.c.getSessions(randomId()), 403);
});

test('G4: no token, or an invalid one, is 401', async () => {
    await rejects(client().getSessions(state.user2.me.id), 401);
    const bad = client();
    bad.setToken(randomId());
    await rejects(bad.getSessions(state.user2.me.id), 401);
});

test('G5-G7: an admin lists anyone\'s sessions; a random id has none', async () => {
    assert.ok((await state.admin.c.getSessions(state.user.me.id)).length >= 1);
    assert.ok((await state.admin.c.getSessions(state.user2.me.id)).length >= 1);
    assert.deepEqual(await state.admin.c.getSessions(randomId()), []);
});

test('revokeSession: one of a user\'s sessions ends, the others stay', async () => {
    const other = await loggedIn(user);
    const mine = await state.user.c.getSessions('me');
    const target = mine.find((s) => s.create_at === Math.max(...mine.map((x) => x.create_at)));
    assert.deepEqual(await state.user.c.revokeSession(state.user.me.id, target.id), {status: 'OK'});
    await rejects(other.c.getSessions('me'), 401);
    assert.ok((await state.user.c.getSessions('me')).every((s) => s.id !== target.id));
    await rejects(state.user.c.revokeSession(state.user2.me.id, target.id), 403);
});

test('R1: a user may not revoke another user\'s sessions', async () => {
    await rejects(state.user.c.revokeAllSessionsForUser(state.user2.me.id), 403);
    assert.ok((await state.user2.c.getSessions('me')).length >= 1, 'user2 is still logged in');
});

test('R2: "junk" + own id is a bad user id: 400', async () => {
    await rejects(state.user.c.revokeAllSessionsForUser(malformedIdPrefix + state.user.me.id), 400);
});

test('R3: a user revokes all its sessions; its own token is dead afterwards', async () => {
    state.revokedToken = state.user.c.getToken();
    assert.deepEqual(await state.user.c.revokeAllSessionsForUser(state.user.me.id), {status: 'OK'});
    await rejects(state.user.c.getSessions('me'), 401);
});

test('R4: a logged-out client gets 401', async () => {
    const c = (await loggedIn(user)).c;
    const token = c.getToken();
    const response = await c.logout();
    assert.equal(response.status, 200);
    await rejects(c.revokeAllSessionsForUser(state.user.me.id), 401);
    // The client forgets its token on logout; the server must have ended the session too.
    const again = client();
    again.setToken(token);
    await rejects(again.revokeAllSessionsForUser(state.user.me.id), 401);
});

test('R5: the user logs in again and sees a session', async () => {
    state.user = await loggedIn(user);
    assert.ok((await state.user.c.getSessions(state.user.me.id)).length >= 1);
});

test('R6: it revokes all its sessions again', async () => {
    assert.deepEqual(await state.user.c.revokeAllSessionsForUser(state.user.me.id), {status: 'OK'});
});

test('R7: an admin sees that the user has no sessions left', async () => {
    assert.deepEqual(await state.admin.c.getSessions(state.user.me.id), []);
});

test('R8: the revoked token stays dead', async () => {
    const c = client();
    c.setToken(state.revokedToken);
    await rejects(c.revokeAllSessionsForUser(state.user.me.id), 401);
});

test('an admin revokes all of another user\'s sessions', async () => {
    assert.deepEqual(await state.admin.c.revokeAllSessionsForUser(state.user2.me.id), {status: 'OK'});
    await rejects(state.user2.c.getSessions('me'), 401);
    assert.ok((await state.admin.c.getSessions('me')).length >= 1, 'the admin\'s own session is untouched');
});

test('revokeSessionsForAllUsers: a user may not end everyone\'s sessions', async () => {
    state.user = await loggedIn(user);
    await rejects(state.user.c.revokeSessionsForAllUsers(), 403);
    assert.ok((await state.user.c.getSessions('me')).length >= 1, 'nothing changed');
});

test('revokeSessionsForAllUsers: an admin ends every session of every user, its own too', async () => {
    const user2Again = await loggedIn(user2);
    assert.deepEqual(await state.admin.c.revokeSessionsForAllUsers(), {status: 'OK'});
    await rejects(state.user.c.getSessions('me'), 401);
    await rejects(user2Again.c.getSessions('me'), 401);
    await rejects(state.admin.c.getSessions('me'), 401);
    const fresh = await loggedIn(user);
    assert.ok((await fresh.c.getSessions('me')).length === 1, 'a login after it works, alone');
});

run();
