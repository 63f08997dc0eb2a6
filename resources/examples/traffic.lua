-- Steady, skewed read traffic for a fallback-node, for watching it in the
-- console (README "Live deployments"). With wrk from Debian's packages:
--   wrk -t1 -c4 -d1h -s resources/examples/traffic.lua http://127.0.0.1:8080
-- Each connection sends one request every DELAY_MS milliseconds (default 20,
-- so -c4 is about 200 requests per second). Keys follow a skewed popularity
-- (a few hot ones, a long tail) over KEYS ids per namespace (default 2000),
-- named item-0 ... as fallback-testorigin serves them. Writes are not sent:
-- they need the admin token.
local delay_ms = tonumber(os.getenv("DELAY_MS") or "20")
local keys = tonumber(os.getenv("KEYS") or "2000")
local namespaces = { "product", "product", "product", "config", "pricing", "session" }

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1e6))
end

function delay()
  return delay_ms
end

request = function()
  local ns = namespaces[math.random(#namespaces)]
  local id = math.floor(keys * math.random() ^ 3)
  return wrk.format("GET", "/v1/items/" .. ns .. "/item-" .. id)
end
