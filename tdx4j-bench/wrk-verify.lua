-- wrk script for serve-load.sh: POST /verify with distinct quotes of the simulated platform, in turn, and count
-- answers that are not a 200 with status UpToDate. The quotes are files QUOTES_DIR/q0000.bin ... (written by
-- "ServerLoad quotes DIR N"); QUOTES of them (default 2000). The request path, query included, is wrk's URL path.
-- Each wrk thread has its own copy of this state. Every request is formatted once, in init, not per request.
local requests = {}
local next_index = 0
local threads = {}
-- Global, so that done() can read each thread's count with thread:get.
bad = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local dir = assert(os.getenv("QUOTES_DIR"), "set QUOTES_DIR to the folder of quote files")
  local n = tonumber(os.getenv("QUOTES") or "2000")
  for i = 0, n - 1 do
    local f = assert(io.open(string.format("%s/q%04d.bin", dir, i), "rb"))
    local body = f:read("*a")
    f:close()
    requests[i + 1] = wrk.format("POST", nil, { ["Content-Type"] = "application/octet-stream" }, body)
  end
end

-- DELAY_MS (default 0): each connection waits this long after an answer before its next request, so that the
-- offered load stays below saturation (about connections / (DELAY_MS + latency) requests a second) and the latency
-- measured is the server's at that rate, not the queue of a saturated closed loop.
local delay_ms = tonumber(os.getenv("DELAY_MS") or "0")

if delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

function response(status, headers, body)
  if status ~= 200 or not string.find(body, '"status":"UpToDate"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests_made)
  -- wrk calls done once, in the main thread; each worker thread counted its own wrong answers.
  local wrong = 0
  for _, t in ipairs(threads) do
    wrong = wrong + t:get("bad")
  end
  io.write(string.format('{"mode":"wrk %s","requests":%d,"seconds":%.1f,"perSecond":%.0f,"p50Micros":%d,'
    .. '"p99Micros":%d,"maxMicros":%d,"notUpToDate":%d,"socketErrors":%d}\n', os.getenv("WRK_PATH") or "",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max, wrong,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
