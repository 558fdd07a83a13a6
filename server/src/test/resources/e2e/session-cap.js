// A user at the server's session cap (started with --max-sessions-per-user 4), through the official JavaScript
// client, unchanged: 7 logins one after the other, then 12 at once from the same address. Every login succeeds, the
// user never has more than 4 sessions, and the ones that ended are the oldest. Prints one line per case and a summary
// line "N passed, M failed"; exits non-zero if any failed.
//
// Environment: SR_URL, and SR_USER as "login:password".
'use strict';
const assert = require('node:assert/strict');
const {Client4} = require('@mattermost/client');
const {test, run} = require('./cases');

const url = process.env.SR_URL;
const [login, password] = (process.env.SR_USER || '').split(':');
assert.ok(login && password, 'SR_USER must be login:password');
const CAP = 4;

async function loggedIn() {
    const c = new Client4();
    c.setUrl(url);
    await c.login(login, password);
    return {c};
}

/** Whether the client's session still works: 401 means it ended. */
async function alive(c) {
    try {
        await c.getSessions('me');
        return true;
    } catch (e) {
        assert.equal(e.status_code, 401, `a dead session answers 401, got ${e.status_code}: ${e.message}`);
        return false;
    }
}

const state = {one: [], burst: []};

test('7 logins one after the other: every one succeeds, the first 3 ended for the newest 4', async () => {
    for (let i = 0; i < 7; i++) {
        state.one.push(await loggedIn());
        // Distinct creation times: the order of age is the order of login.
        await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const listed = await state.one[6].c.getSessions('me');
    assert.equal(listed.length, CAP, `the cap holds: ${listed.length} sessions`);
    const states = await Promise.all(state.one.map((s) => alive(s.c)));
    assert.deepEqual(states, [false, false, false, true, true, true, true], 'the oldest ended');
});

test('12 logins at once from one address: every one succeeds, and the cap still holds', async () => {
    const results = await Promise.allSettled(Array.from({length: 12}, () => loggedIn()));
    const refused = results.filter((r) => r.status === 'rejected')
        .map((r) => `${r.reason.status_code} ${r.reason.server_error_id}`);
    assert.deepEqual(refused, [], 'no login refused');
    state.burst = results.map((r) => r.value);
    for (const s of state.burst) {
        const listed = await s.c.getSessions('me').catch(() => null); // null: this one ended already
        if (listed) {
            assert.equal(listed.length, CAP, `the cap holds: ${listed.length} sessions`);
            return;
        }
    }
    assert.fail('no session of the burst is live');
});

test('the sessions left are the newest: none of the 7 earlier, and 4 of the 12', async () => {
    const earlier = await Promise.all(state.one.map((s) => alive(s.c)));
    assert.deepEqual(earlier, Array(7).fill(false), 'every earlier session ended');
    const burst = await Promise.all(state.burst.map((s) => alive(s.c)));
    assert.equal(burst.filter((a) => a).length, CAP, `4 of the burst live: ${burst}`);
});

run();
