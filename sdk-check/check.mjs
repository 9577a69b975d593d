// The official OpenAI Node SDK against a running gateway (./pilotlight demo --scenario none --keep-running):
// models, a plain and a streamed completion through a route, a fallback when the primary model fails,
// a tool-calling round trip and a json_schema answer (plain and streamed), embeddings (base64, the SDK's
// default, and floats), and OpenAI-shaped errors the SDK understands. Prints "N passed, M failed"; exits 1 on any failure.
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

const tools = [{
  type: 'function',
  function: {
    name: 'lookup_claim',
    description: 'Reads a claim from the claims system',
    parameters: { type: 'object', properties: { claim: { type: 'string' } }, required: ['claim'], additionalProperties: false },
    strict: true,
  },
}];

/** Collects a streamed answer: its text, and tool calls assembled from their deltas as the SDK's own helpers do. */
async function collect(stream) {
  let text = '';
  let finish = null;
  const calls = [];
  for await (const chunk of stream) {
    for (const c of chunk.choices) {
      text += c.delta?.content ?? '';
      for (const t of c.delta?.tool_calls ?? []) {
        calls[t.index] ??= { id: '', type: 'function', function: { name: '', arguments: '' } };
        if (t.id) calls[t.index].id = t.id;
        if (t.function?.name) calls[t.index].function.name = t.function.name;
        calls[t.index].function.arguments += t.function?.arguments ?? '';
      }
      finish = c.finish_reason ?? finish;
    }
  }
  return { text, finish, calls };
}

for (const stream of [false, true]) {
  await check(`tool calling round trip (call, tool result, answer)${stream ? ', streamed' : ''}`, async () => {
    const messages = [{ role: 'user', content: 'What is the status of claim C-17?' }];
    let call;
    if (stream) {
      const r = await collect(await client.chat.completions.create({ model: 'claims-letter', messages, tools, stream: true }));
      expect(r.finish === 'tool_calls', `finish ${r.finish}`);
      call = r.calls[0];
    } else {
      const r = await client.chat.completions.create({ model: 'claims-letter', messages, tools, tool_choice: 'auto' });
      expect(r.choices[0].finish_reason === 'tool_calls', `finish ${r.choices[0].finish_reason}`);
      call = r.choices[0].message.tool_calls[0];
    }
    expect(call.function.name === 'lookup_claim', `tool ${call.function.name}`);
    expect(JSON.parse(call.function.arguments).claim.includes('C-17'), `arguments ${call.function.arguments}`);
    messages.push({ role: 'assistant', content: null, tool_calls: [call] });
    messages.push({ role: 'tool', tool_call_id: call.id, content: 'Claim C-17: approved, paid on 2026-11-02' });
    const answer = stream
      ? (await collect(await client.chat.completions.create({ model: 'claims-letter', messages, tools, stream: true }))).text
      : (await client.chat.completions.create({ model: 'claims-letter', messages, tools })).choices[0].message.content;
    expect(answer.includes('approved, paid'), `answer ${answer}`);
  });

  await check(`structured output with a json_schema${stream ? ', streamed' : ''}`, async () => {
    const request = {
      model: 'claims-letter',
      messages: [{ role: 'user', content: 'Summarise claim C-18 as JSON' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'summary', strict: true, schema: { type: 'object', properties: { claim: { type: 'string' }, amount: { type: 'number' } }, required: ['claim', 'amount'], additionalProperties: false } },
      },
    };
    const content = stream
      ? (await collect(await client.chat.completions.create({ ...request, stream: true }))).text
      : (await client.chat.completions.create(request)).choices[0].message.content;
    const parsed = JSON.parse(content);
    expect(typeof parsed.claim === 'string' && typeof parsed.amount === 'number', `content ${content}`);
  });
}

await check('embeddings, base64 (the SDK default) and floats', async () => {
  const b = await client.embeddings.create({ model: 'sim-embed', input: ['claim letter', 'denial letter'] });
  expect(b.data.length === 2 && b.data[0].embedding.length === 8, `base64: ${JSON.stringify(b.data[0])}`);
  const f = await client.embeddings.create({ model: 'sim-embed', input: 'claim letter', encoding_format: 'float' });
  expect(Math.abs(f.data[0].embedding[0] - b.data[0].embedding[0]) < 1e-6, 'float and base64 differ');
  expect(b.usage.prompt_tokens > 0, 'usage missing');
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
