-- wrk script for serve-load.sh: POST /verify with distinct quotes of the simulated platform, in turn, and count
-- answers that are not a 200 with status UpToDate. The quotes are files QUOTES_DIR/q0000.bin ... (written by
-- "ServerLoad quotes DIR N"); QUOTES of them (default 2000). The request path, query included, is wrk's URL path.
-- Each wrk thread has its own copy of this state. Every request is formatted once, in init, not per request.
-- GET=1 instead sends a bare GET of wrk's URL path (serve-load.sh: /healthz, the HTTP exchange without a
-- verification, as a baseline) and counts answers that are not a 200; QUOTES_DIR is then not read.
local get = os.getenv("GET") == "1"
local requests = {}
local next_index = 0
local threads = {}
-- Global, so that done() can read each thread's count with thread:get.
bad = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  if get then
    requests[1] = wrk.format("GET")
    return
  end
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
-- RATE (requests a second; overrides DELAY_MS): a fixed schedule instead, whatever the latency. Send slot k is at
-- start + k / RATE on the monotonic clock; a connection that has an answer takes the next free slot and waits for it
-- (wrk's timer has 1 ms steps, so a send can be up to 1 ms early; the slots keep the average exact). A server that
-- falls behind leaves connections without a free slot to wait for: they send at once, and the measured rate drops
-- below RATE, which is then the sign of saturation. Latency is measured by wrk from each send, as in the other modes.
local rate = tonumber(os.getenv("RATE") or "0")

if rate > 0 then
  local ffi = require("ffi")
  ffi.cdef[[
    typedef struct { long tv_sec; long tv_nsec; } tdx4j_timespec;
    int clock_gettime(int clock_id, tdx4j_timespec *tp);
  ]]
  local CLOCK_MONOTONIC = 1 -- Linux <time.h>
  local ts = ffi.new("tdx4j_timespec")
  local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end
  local start_ms = nil
  local slot = 0
  function delay()
    local t = now_ms()
    start_ms = start_ms or t
    local due = start_ms + slot * 1000 / rate
    slot = slot + 1
    if due <= t then
      return 0
    end
    return math.floor(due - t)
  end
elseif delay_ms > 0 then
  function delay()
    return delay_ms
  end
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end

function response(status, headers, body)
  if get then
    if status ~= 200 then
      bad = bad + 1
    end
  elseif status ~= 200 or not string.find(body, '"status":"UpToDate"', 1, true) then
    bad = bad + 1
  end
end

function done(summary, latency, requests_made)
  -- wrk calls done once, in the main thread; each worker thread counted its own wrong answers.
  local wrong = 0
  for _, t in ipairs(threads) do
    wrong = wrong + t:get("bad")
  end
  io.write(string.format('{"mode":"wrk %s","rate":%d,"requests":%d,"seconds":%.1f,"perSecond":%.0f,"p50Micros":%d,'
    .. '"p99Micros":%d,"maxMicros":%d,"notUpToDate":%d,"socketErrors":%d}\n', os.getenv("WRK_PATH") or "",
    tonumber(os.getenv("RATE") or "0"),
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max, wrong,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
