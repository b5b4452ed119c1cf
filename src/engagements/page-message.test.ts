import assert from 'node:assert/strict';
import { test } from 'node:test';
import { acceptCodeIn, newAcceptCode, stageStarts } from './engagement.js';
import { renderPage, smsMaxChars, type PageContent } from './page-message.js';

const page: PageContent = {
  subject: 'Checkout <down>', content: 'Customers & carts fail', publicSubject: 'Checkout', publicContent: 'Something fails', sender: 'bot',
  incident: { arn: 'arn:aws:ssm-incidents::111122223333:incident-record/p/1', title: 'Checkout is down', impact: 1, summary: 'No payments' },
  acceptCode: '042917', acceptUrl: 'https://tocsin.example.com/pages/accept?page=x&sig=y',
};

test('email carries the private subject and content, the incident, the code and the link; its HTML is escaped', () => {
  const m = renderPage('EMAIL', page);
  assert.equal(m.subject, 'Checkout <down>');
  assert.doesNotMatch(renderPage('EMAIL', { ...page, content: 'No payments' }).text, /Summary:/, 'a summary that is the content is not repeated');
  for (const part of ['Customers & carts fail', 'Incident: Checkout is down', 'Impact: 1 (Critical)', 'Summary: No payments', 'Acknowledgement code: 042917', 'Acknowledge this page: https://tocsin.example.com/pages/accept?page=x&sig=y']) {
    assert.ok(m.text.includes(part), part);
  }
  assert.match(m.html!, /Customers &amp; carts fail/);
  assert.match(m.html!, /href="https:\/\/tocsin\.example\.com\/pages\/accept\?page=x&amp;sig=y"/);
  assert.doesNotMatch(m.html!, /<down>/);
});

test('SMS and voice say only the public texts (falling back to the private ones), with the code; the link ends the SMS', () => {
  const sms = renderPage('SMS', { ...page, smsReplies: true });
  assert.equal(sms.text, `Checkout: Incident: Checkout is down. Impact 1 (Critical). Something fails Reply 042917 to acknowledge, or open ${page.acceptUrl}`);
  const noReplies = renderPage('SMS', page);
  assert.equal(noReplies.text, `Checkout: Incident: Checkout is down. Impact 1 (Critical). Something fails Code 042917: acknowledge at ${page.acceptUrl}`);
  const own = renderPage('SMS', { ...page, publicSubject: 'Incident: Checkout is down', acceptUrl: undefined });
  assert.equal(own.text, 'Incident: Checkout is down: Impact 1 (Critical). Something fails Code 042917.', 'the title is not said twice');
  const voice = renderPage('VOICE', { ...page, publicSubject: undefined, publicContent: undefined, incident: undefined });
  assert.equal(voice.text, 'This is a page from Tocsin. Checkout <down>. Customers & carts fail Your acknowledgement code is 0 4 2 9 1 7.');
});

test('a long SMS is cut to fit, keeping the code and the link', () => {
  const sms = renderPage('SMS', { ...page, publicContent: 'x'.repeat(5000), smsReplies: true });
  assert.equal(sms.text.length, smsMaxChars);
  assert.ok(sms.text.endsWith(`Reply 042917 to acknowledge, or open ${page.acceptUrl}`));
  assert.match(sms.text, /x…/);
});

test('accept codes are six digits; a reply names one anywhere in its text', () => {
  for (let i = 0; i < 200; i++) assert.match(newAcceptCode(), /^\d{6}$/);
  assert.equal(acceptCodeIn('ack 042917 thanks'), '042917');
  assert.equal(acceptCodeIn('042917'), '042917');
  assert.equal(acceptCodeIn('call me at 5551234567'), '5551234567');
  assert.equal(acceptCodeIn('ok 12345'), undefined);
});

test('stage k starts when the durations of the stages before it have passed', () => {
  const start = new Date('2026-12-04T10:00:00Z');
  const times = stageStarts(start, { Stages: [{ DurationInMinutes: 5, Targets: [] }, { DurationInMinutes: 0, Targets: [] }, { DurationInMinutes: 30, Targets: [] }] });
  assert.deepEqual(times.map((t) => t.toISOString()), ['2026-12-04T10:00:00.000Z', '2026-12-04T10:05:00.000Z', '2026-12-04T10:05:00.000Z', '2026-12-04T10:35:00.000Z']);
});
