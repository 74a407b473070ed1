-- wrk script for Mulin's benchmarks: rotate over a prepared list of requests (each with its own
-- session cookie) and print the results as one JSON line.
--   wrk -t1 -c16 -d20s -s tools/bench/wrk/requests.lua http://127.0.0.1:PORT -- <file>.lua
local prepared = {}
local counter = 0

function init(args)
  local list = dofile(args[1])
  for i, r in ipairs(list) do
    prepared[i] = wrk.format(r.method, r.path, r.headers, r.body)
  end
  -- Threads start at different places in the list.
  counter = math.random(#prepared) - 1
end

function request()
  counter = counter + 1
  return prepared[(counter % #prepared) + 1]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"model":"closed","requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"p50":%d,"p95":%d,"p99":%d,"max":%d,"mean":%.1f}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
