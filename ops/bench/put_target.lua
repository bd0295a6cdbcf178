-- wrk script for the write benchmark of ops/bench/http_bench.sh: PUT /api/v1/targets/{code}.
--
--   wrk -t THREADS ... -s put_target.lua URL -- BODIES_FILE BASE_HEADCOUNT THREADS
--
-- BODIES_FILE has one line per imported employer: the credit code, a tab, and the employer's
-- full record as JSON without its headcount and closing brace (the PUT replaces the whole
-- record, so every other field must be sent unchanged). The n-th request of the run (counted
-- across threads: thread t of T sends n = t, t+T, t+2T, ...) goes to employer n mod N with
-- headcount BASE_HEADCOUNT + floor(n / N). Distinct n give distinct (employer, headcount)
-- pairs, and BASE_HEADCOUNT is above every earlier value, so every request is a real change:
-- exactly one signed TargetUpdated event, never a no-op.
--
-- Every reply's status is tallied; done() prints the tally and the first non-2xx body seen.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  -- Runs in each thread's own Lua state: the threads table above is the main state's, so
  -- the thread count comes as an argument.
  if args[3] == nil then
    error("usage: wrk -t THREADS ... -s put_target.lua URL -- BODIES_FILE BASE_HEADCOUNT THREADS")
  end
  local file = args[1]
  base, nthreads = tonumber(args[2]), tonumber(args[3])
  codes, prefixes = {}, {}
  for line in io.lines(file) do
    local tab = line:find("\t", 1, true)
    codes[#codes + 1] = line:sub(1, tab - 1)
    prefixes[#prefixes + 1] = line:sub(tab + 1)
  end
  sent = 0
  statuses = {}
  first_error = ""
  wrk.method = "PUT"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  local n = sent * nthreads + id
  sent = sent + 1
  local i = n % #codes
  local headcount = base + math.floor(n / #codes)
  return wrk.format(nil, "/api/v1/targets/" .. codes[i + 1], nil,
                    prefixes[i + 1] .. ',"headcount":' .. string.format("%d", headcount) .. "}")
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  if (status < 200 or status > 299) and first_error == "" then
    first_error = status .. " " .. body
  end
end

function done(summary, latency, requests)
  local total, err = {}, ""
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses")) do total[k] = (total[k] or 0) + v end
    if err == "" then err = t:get("first_error") end
  end
  local keys = {}
  for k in pairs(total) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = k .. "=" .. total[k] end
  io.write("statuses: " .. table.concat(parts, " ") .. "\n")
  if err ~= "" then io.write("first non-2xx reply: " .. err:sub(1, 400) .. "\n") end
end
