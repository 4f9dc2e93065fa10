// Escaping untrusted text for terminals and documents: control characters and
// escape sequences shown, Markdown and HTML read as written.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { marked } from 'marked';
import { escapeHtml, escapeMarkdown, markdownCode, markdownFence, printable, printableLine } from '../../src/present/escape.js';

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

describe('printable', () => {
  test('escape sequences, C1 controls, DEL and bidi overrides are shown, newlines and tabs kept', () => {
    const hostile = 'title\u001b]0;pwned\u0007\u001b[2J\u009b31m\u007f\u202eevil\r\nnext\tcol';
    const shown = printable(hostile);
    assert.equal(shown, 'title\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u007f\\u202eevil\\r\nnext\tcol');
    assert.doesNotMatch(shown, RAW_CONTROL);
    assert.equal(printable('plain text, ünïcödé 🙂'), 'plain text, ünïcödé 🙂');
  });
  test('one line: newlines and tabs shown too; lone surrogates escaped', () => {
    assert.equal(printableLine('a\nb\tc\ud800d'), 'a\\nb\\tc\\ud800d');
  });
  test('the escapes stay valid inside a JSON string', () => {
    const line = printable(JSON.stringify({ text: 'x\u009b\u007fy\u001b' }));
    assert.deepEqual(JSON.parse(line), { text: 'x\u009b\u007fy\u001b' });
    assert.doesNotMatch(line, RAW_CONTROL);
  });
});

describe('Markdown and HTML', () => {
  test('a code span holds backticks, pipes and HTML verbatim', () => {
    for (const value of ['a`b', '``x``', '`', '<img src=x onerror=alert(1)>', 'a|b', '']) {
      const html = marked.parseInline(markdownCode(value)) as string;
      assert.match(html, /^<code>/, value);
      assert.doesNotMatch(html, /<img/, value);
    }
    assert.equal(markdownCode('a`b'), '``a`b``');
    assert.equal(markdownCode('`x'), '`` `x ``');
  });
  test('escaped text opens no emphasis, link, code, HTML or block', () => {
    const hostile = '# *bold* _it_ [link](http://x) `code` <script>alert(1)</script> & ~~s~~ | ![i](x)';
    const html = marked.parse(`- ${escapeMarkdown(hostile)}`) as string;
    for (const tag of ['<em>', '<strong>', '<a ', '<code>', '<script', '<del>', '<img', '<h1>']) assert.ok(!html.includes(tag), `${tag} in ${html}`);
    assert.ok(html.includes('&lt;script&gt;') || html.includes('&#60;script&#62;'), html);
    assert.equal((marked.parse(escapeMarkdown('1. not a list')) as string).includes('<ol'), false);
  });
  test('a fence is longer than any backtick run at a line start inside', () => {
    const [open, body, close] = markdownFence('x\n````\ny', 'sh');
    assert.equal(open, '`````sh');
    assert.equal(close, '`````');
    assert.equal(body, 'x\n````\ny');
  });
  test('HTML: markup characters and controls escaped', () => {
    assert.equal(escapeHtml('<a href="x">\'&\u001b'), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;\\u001b');
  });
});
