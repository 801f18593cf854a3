-- wrk script for scripts/bench-http.sh and scripts/load-run.sh: POSTs /search with the bodies in
-- $SIGHTLINE_BODIES (one JSON object per line, used in turn), or GETs $SIGHTLINE_GET when set,
-- and prints p50/p99 latency and requests/s.
local get = os.getenv("SIGHTLINE_GET")
local bodies = {}
local path = os.getenv("SIGHTLINE_BODIES")
if path then
  for line in io.lines(path) do
    if #line > 0 then bodies[#bodies + 1] = line end
  end
end
if #bodies == 0 then
  bodies[1] = '{"text": "A red pickup truck turns left at the intersection.", "top": 10}'
end

local counter = 0
request = function()
  if get and #get > 0 then return wrk.format("GET", get) end
  counter = counter + 1
  local body = bodies[(counter % #bodies) + 1]
  return wrk.format("POST", "/search", { ["Content-Type"] = "application/json" }, body)
end

local failures = 0
response = function(status, headers, body)
  if status ~= 200 then failures = failures + 1 end
end

done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format("requests      %d in %.1f s (%d distinct bodies)\n", summary.requests, seconds, #bodies))
  io.write(string.format("requests/s    %.1f\n", summary.requests / seconds))
  io.write(string.format("latency p50   %.2f ms\n", latency:percentile(50) / 1000))
  io.write(string.format("latency p90   %.2f ms\n", latency:percentile(90) / 1000))
  io.write(string.format("latency p99   %.2f ms\n", latency:percentile(99) / 1000))
  io.write(string.format("latency max   %.2f ms\n", latency.max / 1000))
  local errors = summary.errors
  io.write(string.format("errors        connect %d, read %d, write %d, timeout %d, status %d\n",
    errors.connect, errors.read, errors.write, errors.timeout, errors.status))
end
