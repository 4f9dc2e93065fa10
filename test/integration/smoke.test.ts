import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestDatabase } from '../support/db.js';

test('the test server answers', async () => {
  const db = await createTestDatabase('smoke');
  try {
    const r = await db.client.query('SELECT 1 AS one');
    assert.equal(r.rows[0].one, 1);
  } finally {
    await db.drop();
  }
});
