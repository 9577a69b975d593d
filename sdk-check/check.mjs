// The official OpenAI Node SDK against a running gateway (./pilotlight demo --scenario none --keep-running):
// models, a plain and a streamed completion through a route, a fallback when the primary model fails,
// and OpenAI-shaped errors the SDK understands. Prints "N passed, M failed"; exits 1 on any failure.
import OpenAI from 'openai';

const gateway = process.env.PILOTLIGHT_URL ?? 'http://127.0.0.1:8080/v1';
const upstream = process.env.PILOTLIGHT_UPSTREAM_URL ?? 'http://127.0.0.1:8090';
const key = process.env.PILOTLIGHT_KEY ?? 'pl-demo-alice-0000000000000001';
const client = new OpenAI({ baseURL: gateway, apiKey: key, maxRetries: 0 });

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`PASS ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e?.stack ?? e}`);
  }
}
function expect(cond, what) {
  if (!cond) throw new Error(what);
}
async function simProfile(body) {
  const r = await fetch(`${upstream}/_sim/profile`, { method: 'POST', body: JSON.stringify(body) });
  expect(r.ok, `simulated upstream refused the profile: ${r.status}`);
}

await check('models.list shows routes and model aliases', async () => {
  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  expect(ids.includes('claims-letter') && ids.includes('sim-claude'), `got ${ids}`);
});

await check('chat.completions.create through a route', async () => {
  const r = await client.chat.completions.create({
    model: 'claims-letter',
    messages: [{ role: 'user', content: 'Rear-end collision, clause 4.2 applies, approve the repair.' }],
  });
  expect(r.object === 'chat.completion', `object ${r.object}`);
  expect(r.choices[0].message.content.includes('prompt 1.0.0'), `content ${r.choices[0].message.content}`);
  expect(r.usage.total_tokens > 0, 'usage missing');
});

await check('streamed completion with a final usage chunk', async () => {
  const stream = await client.chat.completions.create({
    model: 'claims-letter',
    stream: true,
    stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Stream a short approval letter for claim 77.' }],
  });
  let text = '';
  let usage = null;
  let chunks = 0;
  for await (const chunk of stream) {
    chunks++;
    for (const c of chunk.choices) text += c.delta?.content ?? '';
    if (chunk.usage) usage = chunk.usage;
  }
  expect(chunks > 3, `only ${chunks} chunks`);
  expect(text.includes('claim 77'), `text ${text}`);
  expect(usage && usage.completion_tokens > 0, 'no usage chunk');
});

await check('fallback answers when the primary model fails', async () => {
  await simProfile({ model: 'sim-model', errorRate: 1.0, errorStatus: 503, latencyMedianMs: 1 });
  try {
    const r = await client.chat.completions.create({
      model: 'claims-letter',
      messages: [{ role: 'user', content: 'Primary is down: draft letter for claim 78.' }],
    });
    expect(r.choices[0].message.content.includes('by sim-claude'), `content ${r.choices[0].message.content}`);
    const s = await client.chat.completions.create({
      model: 'claims-letter', stream: true,
      messages: [{ role: 'user', content: 'Primary is down: stream letter for claim 79.' }],
    });
    let text = '';
    for await (const chunk of s) for (const c of chunk.choices) text += c.delta?.content ?? '';
    expect(text.includes('by sim-claude'), `streamed ${text}`);
  } finally {
    await simProfile({ model: 'sim-model', errorRate: 0, latencyMedianMs: 20 });
  }
});

await check('unknown model is a NotFoundError the SDK understands', async () => {
  try {
    await client.chat.completions.create({ model: 'gpt-9', messages: [{ role: 'user', content: 'x' }] });
    throw new Error('no error');
  } catch (e) {
    expect(e instanceof OpenAI.NotFoundError, `got ${e?.constructor?.name}: ${e?.message}`);
    expect(e.code === 'model_not_found', `code ${e.code}`);
  }
});

await check('a wrong key is an AuthenticationError', async () => {
  const bad = new OpenAI({ baseURL: gateway, apiKey: 'pl-wrong', maxRetries: 0 });
  try {
    await bad.models.list();
    throw new Error('no error');
  } catch (e) {
    expect(e instanceof OpenAI.AuthenticationError, `got ${e?.constructor?.name}`);
  }
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
