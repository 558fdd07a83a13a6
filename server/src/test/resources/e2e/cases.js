// The runner the e2e scripts share: test(name, fn) registers a case; run() runs them in order, prints one line per
// case and a summary line "N passed, M failed", and exits non-zero if any failed.
'use strict';

const cases = [];

function test(name, fn) {
    cases.push([name, fn]);
}

async function run() {
    let passed = 0;
    let failed = 0;
    for (const [name, fn] of cases) {
        try {
            await fn();
            passed++;
            console.log(`ok - ${name}`);
        } catch (e) {
            failed++;
            console.log(`not ok - ${name}: ${e && e.message}`);
        }
    }
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed === 0 ? 0 : 1);
}

module.exports = {test, run};
