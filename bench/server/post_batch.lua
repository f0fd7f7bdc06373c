-- wrk script for `licit serve` (bench/server/run.sh): POST /v1/decide with a JSON Lines batch
-- per request (Content-Type: application/x-ndjson). LICIT_BENCH_BATCH is a JSON Lines file of
-- reference records; it is cut into batches of LICIT_BENCH_BATCH_SIZE lines (default 10,000) and
-- the requests cycle through them. The server answers one decision line per record, chunked.
-- done() prints one machine-readable line for run.sh, with the records per request.
-- LICIT_BENCH_DELAY_MS > 0: each connection waits that many milliseconds after every answer (the
-- soak's steady batch load).
--
--   LICIT_BENCH_BATCH=records.jsonl LICIT_BENCH_BATCH_SIZE=10000 \
--     wrk -c 2 -t 2 -d 10s --latency -s bench/server/post_batch.lua http://127.0.0.1:PORT/v1/decide

local threads = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

local requests = {}
local next_index = 0

-- The batches' sizes, the same in every environment (done() runs in its own).
local function read_batches(build)
  local path = os.getenv("LICIT_BENCH_BATCH")
  if not path or path == "" then error("post_batch.lua: set LICIT_BENCH_BATCH to a JSON Lines file") end
  local size = tonumber(os.getenv("LICIT_BENCH_BATCH_SIZE") or "10000")
  local lines, sizes = {}, {}
  local function flush()
    if #lines > 0 then
      sizes[#sizes + 1] = #lines
      if build then build(table.concat(lines, "\n") .. "\n") end
      lines = {}
    end
  end
  for line in io.lines(path) do
    if #line > 0 then
      lines[#lines + 1] = line
      if #lines >= size then flush() end
    end
  end
  flush()
  if #sizes == 0 then error("post_batch.lua: no records in " .. path) end
  return sizes
end

function init(args)
  local target = wrk.path
  if target == nil or target == "" or target == "/" then target = "/v1/decide" end
  local headers = { ["Content-Type"] = "application/x-ndjson" }
  read_batches(function(body) requests[#requests + 1] = wrk.format("POST", target, headers, body) end)
  next_index = (thread_index or 0) % #requests
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
  local sizes = read_batches(nil)
  local total = 0
  for _, n in ipairs(sizes) do total = total + n end
  local e = summary.errors
  io.write(string.format(
    "LICIT_WRK requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%.1f records_per_request=%.3f\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    total / #sizes))
end
