-- wrk script: POSTs one GraphQL request body over and over, and prints a machine-readable
-- summary line. Arguments (after `--`): the file holding the JSON body, then optionally a
-- bearer token.
--   wrk -t2 -c10 -d10s -s bench/post.lua http://127.0.0.1:18080/graphql -- body.json TOKEN

local request_text

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local body = file:read("*a")
  file:close()
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/graphql-response+json",
  }
  if args[2] and args[2] ~= "" then
    headers["Authorization"] = "Bearer " .. args[2]
  end
  request_text = wrk.format("POST", nil, headers, body)
end

function request()
  return request_text
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
