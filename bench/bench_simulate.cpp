// Simulator throughput: replays a scenario (optionally with a CSV trace) and
// prints figures to compare between runs. Not a test: nothing is asserted.
//
//   bench_simulate SCENARIO [TRACE] [--repeat N]

#include "report/summary.h"
#include "sim/scenarioloader.h"
#include "sim/simulator.h"

#include <chrono>
#include <cstdio>
#include "benchutil.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>


int main(int argc, char** argv)
{
    using namespace fallback;
    if (argc < 2) {
        std::fprintf(stderr, "usage: bench_simulate SCENARIO [TRACE] [--repeat N]\n");
        return 2;
    }
    std::string tracePath;
    int repeat = 3;
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else
            tracePath = argv[i];
    }
    Loaded<Scenario> scenario = loadScenarioFile(argv[1]);
    if (!scenario.value) {
        std::fputs(scenario.diagnostics.format().c_str(), stderr);
        return 1;
    }
    double best = 0;
    std::vector<double> rates;
    std::uint64_t requests = 0;
    RunSummary summary;
    for (int run = 0; run < repeat; ++run) {
        SimulationOptions options;
        options.tracePath = tracePath;
        const auto start = std::chrono::steady_clock::now();
        Simulator simulator(*scenario.value, options);
        if (Status status = simulator.run(); !status) {
            std::fprintf(stderr, "%s\n", status.error().message.c_str());
            return 1;
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        requests = simulator.requestsIssued();
        const double rate = double(requests) / seconds;
        rates.push_back(rate);
        std::printf("run %d: %llu requests in %.3f s = %.2f M requests/s\n", run + 1,
                    static_cast<unsigned long long>(requests), seconds, rate / 1e6);
        if (rate > best) {
            best = rate;
            summary = summarizeRun(simulator, seconds);
        }
    }
    std::printf("workload: %s\n", tracePath.empty() ? "synthetic (scenario)" : tracePath.c_str());
    std::printf("requests: %llu\n", static_cast<unsigned long long>(requests));
    std::printf("best_requests_per_second: %.0f\n", best);
    // The median too: on a shared machine the spread between runs is wide,
    // and the best run alone hides it.
    std::sort(rates.begin(), rates.end());
    std::printf("median_requests_per_second: %.0f\n", rates[rates.size() / 2]);
    std::printf("peak_rss_mib: %.1f\n", fallback::bench::peakRssMiB());
    std::printf("edge_cache_hit_rate: %.4f\n", summary.stats.tiers[0].hitRate());
    std::printf("origin_fetches: %llu\n",
                static_cast<unsigned long long>(summary.stats.requests.originFetches));
    return 0;
}
