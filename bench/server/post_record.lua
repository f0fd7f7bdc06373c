-- wrk script for `licit serve` (bench/server/run.sh): POST /v1/decide with ONE record per request
-- (Content-Type: application/json), cycling through the first LICIT_BENCH_RECORDS_N lines of the
-- JSON Lines file LICIT_BENCH_RECORDS, so consecutive request bodies differ. Each wrk thread
-- starts at a different record. The requests are built once in init(), as wrk's SCRIPTING notes
-- advise; no response() function, so wrk does not parse the answers (non-2xx answers are still
-- counted, as summary.errors.status). done() prints one machine-readable line for run.sh.
-- LICIT_BENCH_DELAY_MS > 0: each connection waits that many milliseconds after every answer
-- before sending its next request (wrk's delay()), so N connections make a paced, lower load.
--
--   LICIT_BENCH_RECORDS=records.jsonl LICIT_BENCH_RECORDS_N=500 \
--     wrk -c 8 -t 2 -d 10s --latency -s bench/server/post_record.lua http://127.0.0.1:PORT/v1/decide

local threads = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local requests = {}
local next_index = 0

function init(args)
  local path = os.getenv("LICIT_BENCH_RECORDS")
  if not path or path == "" then error("post_record.lua: set LICIT_BENCH_RECORDS to a JSON Lines file") end
  local limit = tonumber(os.getenv("LICIT_BENCH_RECORDS_N") or "500")
  local target = wrk.path
  if target == nil or target == "" or target == "/" then target = "/v1/decide" end
  local headers = { ["Content-Type"] = "application/json" }
  for line in io.lines(path) do
    if #line > 0 then
      requests[#requests + 1] = wrk.format("POST", target, headers, line)
      if #requests >= limit then break end
    end
  end
  if #requests == 0 then error("post_record.lua: no records in " .. path) end
  -- thread_index is set by setup(); spread the threads' starting points over the records.
  next_index = ((thread_index or 0) * 97) % #requests
end

local delay_ms = tonumber(os.getenv("LICIT_BENCH_DELAY_MS") or "0") or 0
if delay_ms > 0 then
  function delay() return delay_ms end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

function done(summary, latency, requests_stats)
  local e = summary.errors
  io.write(string.format(
    "LICIT_WRK requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
