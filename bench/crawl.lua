-- A crawler for a fallback-node: every request asks for an id never asked
-- before, so every answer is a 404 from the origin. Shows that one-off ids
-- do not grow the node's memory (its key space hands them back, README
-- "fallback-node"). With wrk from Debian's packages:
--   RUN=1 wrk -t1 -c1 -d15s -s bench/crawl.lua http://127.0.0.1:8080
--   grep VmRSS /proc/$(pgrep -f 'fallback-node --policy')/status
-- RUN keeps the ids of separate runs apart.
local counter = 0
local run = os.getenv("RUN") or "0"

function request()
  counter = counter + 1
  return wrk.format("GET", "/v1/items/product/crawler-" .. run .. "-" .. counter .. "-padding-to-make-it-longer")
end
