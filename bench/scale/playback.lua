-- wrk script for bench/scale: one playback event per request, each from a new device and session, so every event
-- makes its own listen session and the session row's updated_at tells when that event was aggregated.
-- Arguments (after --): EPISODE_ID CREATED_AT RUN_TAG. Counts answers that are not 200 + "accepted".
local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("tid", next_id)
  table.insert(threads, thread)
end

function init(args)
  episode = args[1]
  created = args[2]
  tag = args[3] .. "-" .. tostring(tid)
  n = 0
  bad = 0
  headers = { ["Content-Type"] = "application/json" }
end

function request()
  n = n + 1
  local body = string.format(
    '{"event_id":"%s-%d","device_id":"bench-%s-%d","episode_id":"%s","session_id":"s-%s-%d","sequence":0,' ..
    '"type":"progress","position_start":0,"position_end":60,"created_at":"%s"}',
    tag, n, tag, n, episode, tag, n, created)
  return wrk.format("POST", "/api/v1/playback-events", headers, body)
end

function response(status, _, body)
  if status ~= 200 or not string.find(body, '"accepted"', 1, true) then
    bad = bad + 1
  end
end

function done(summary)
  local rejected = 0
  for _, thread in ipairs(threads) do
    rejected = rejected + thread:get("bad")
  end
  io.write(string.format("wrk: %d requests, %d not accepted\n", summary.requests, rejected))
end
