// The executor classifies a failed connection (exec/postgres/errors:
// connectProblem) and present/connection words it: each cause reaches its own
// advice, the password never reaches the words, and a lost connection says why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectError, connectProblem, lostConnectionError } from '../../src/exec/postgres/errors.js';
import { connectWords } from '../../src/present/connection.js';

const WHERE = '127.0.0.1:5432/app';
const thrown = (code: string | undefined, message: string) => Object.assign(new Error(message), code ? { code } : {});

test('each way a connection fails is classified and worded with what to check next', () => {
  const cases: [string | undefined, string, string, RegExp][] = [
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432', 'refused', /connection refused\. Is the server running and listening/],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND nohost', 'unresolved', /host name does not resolve/],
    ['EHOSTUNREACH', 'connect EHOSTUNREACH', 'unreachable', /host is unreachable \(EHOSTUNREACH\)\. Is there a firewall/],
    ['ENOENT', 'connect ENOENT /tmp/.s.PGSQL.5432', 'no-socket', /no server socket at that path/],
    ['28P01', 'password authentication failed for user "bob"', 'bad-password', /^Could not log in to .*: password authentication failed for user "bob"\. Check the user and password/],
    ['28000', 'no pg_hba.conf entry for host', 'login-refused', /refused the login: no pg_hba\.conf entry.*Check pg_hba\.conf/],
    ['3D000', 'database "nope" does not exist', 'no-database', /^Connected to the server, but database "nope" does not exist\. Check the database name/],
    ['53300', 'sorry, too many clients already', 'full', /no free connection slots \(sorry, too many clients already\)/],
    ['57P03', 'the database system is starting up', 'not-ready', /not accepting connections yet .* try again shortly/],
    [undefined, 'Connection terminated unexpectedly', 'closed', /closed before the server answered/],
    [undefined, 'timeout expired', 'timeout', /no answer within the connection timeout/],
    [undefined, 'SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string', 'no-password', /asked for a password, but none was given/],
    [undefined, 'The server does not support SSL connections', 'ssl', /Check the sslmode/],
    [undefined, 'something else entirely', 'other', /: something else entirely\. Is the server running\?/],
  ];
  for (const [code, message, cause, words] of cases) {
    const problem = connectProblem(thrown(code, message), WHERE);
    assert.equal(problem.cause, cause, message);
    assert.match(connectWords(problem), words, cause);
    const error = connectError(thrown(code, message), WHERE);
    assert.equal(error.kind, 'connection');
    assert.equal(error.message, connectWords(problem));
    assert.equal(error.sqlstate, code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined);
  }
  assert.match(connectWords({ cause: 'not-a-url', where: 'host=db', server: '' }), /must be a URL like postgres:\/\/user@host:5432\/database, not "host=db"/);
});

test('the password is masked in what the server said, not in the address', () => {
  const problem = connectProblem(thrown('28P01', 'password "5432secret" rejected'), WHERE, '5432secret');
  assert.doesNotMatch(connectWords(problem), /5432secret/);
  // The port is ours, not the library's words: it is kept even when it occurs in the password.
  assert.match(connectError(thrown('ECONNREFUSED', 'refused'), WHERE, '5432').message, /127\.0\.0\.1:5432\/app/);
});

test('a connection lost in use says why', () => {
  assert.equal(lostConnectionError(thrown('57P01', 'terminating connection due to administrator command'), WHERE).message, `Lost the connection to ${WHERE}: the server terminated the session (pg_terminate_backend or a shutdown).`);
  assert.equal(lostConnectionError(thrown('57P01', 'x'), WHERE).sqlstate, '57P01');
  assert.match(lostConnectionError(thrown('ECONNRESET', 'read ECONNRESET'), WHERE).message, /the connection was closed unexpectedly\.$/);
  assert.equal(lostConnectionError(thrown('ECONNRESET', 'x'), WHERE).sqlstate, undefined);
  assert.match(lostConnectionError(thrown(undefined, 'the cable'), WHERE).message, /: the cable\.$/);
});
