-- wrk script for the gateway benchmark (docs/benchmarks.md): POSTs a chat completion with
-- personal data in it and a claim number unique across runs (no cache hits), using the demo key of alice.
-- usage: wrk -t1 -c8 -d20s --latency -s bench/wrk-chat.lua http://127.0.0.1:18081 -- claims-letter /v1/chat/completions
local n = 0
local run = 0
request = function()
  n = n + 1
  -- run id + counter: unique in and across runs, so the response cache never answers
  local body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Claim ' .. run .. '-' .. n .. ': rear-end collision on I-35, claimant jane.doe@example.com, phone +1 415-555-0132, policy clause 4.2 applies; draft an approval letter for the repair estimate of $2,350."}]}'
  return wrk.format("POST", path, {["Content-Type"]="application/json", ["Authorization"]="Bearer pl-demo-alice-0000000000000001"}, body)
end
init = function(args)
  model = args[1]
  path = args[2]
  run = os.time() .. '-' .. math.floor(os.clock() * 1000000)
end
