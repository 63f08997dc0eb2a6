// fallbackctl: the command line of SPEC §5. Parses arguments and wires core
// objects; the work is in core (loaders, simulator, report, live client).
// The remote commands are in remotecommands.cpp.

#include "cli.h"
#include "remotecommands.h"
#include "report/lint.h"
#include "report/summary.h"
#include "sim/scenarioloader.h"
#include "sim/simulator.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <unistd.h>
#include <vector>

namespace fallbackctl {

const char* const kUsageText =
    "usage: fallbackctl COMMAND [ARGS]\n"
    "\n"
    "local commands:\n"
    "  lint FILE...                 validate policy, scenario, deployment and trace files\n"
    "  simulate SCENARIO [--trace CSV] [--requests N] [--seed N] [--json]\n"
    "                               run local test mode headless and print a summary\n"
    "\n"
    "live deployment commands (each takes --url URL or --deployment NAME):\n"
    "  stats [--json]               print the deployment's statistics\n"
    "  policy get [--json]          print the live policy (YAML, or the node's JSON)\n"
    "  policy apply FILE [--if-match ETAG]\n"
    "                               replace the live policy with FILE, checked first\n"
    "  purge (--key NS:ID ... | --namespace NS | --all)\n"
    "                               purge keys, a namespace or everything\n"
    "  bump NS                      bump a namespace's version\n"
    "  audit [--since DURATION | --limit N] [--follow] [--json]\n"
    "                               the deployment's latest purges, bumps and policy changes,\n"
    "                               and who made them\n"
    "\n"
    "  --url URL                    the node's base URL, e.g. http://127.0.0.1:8080\n"
    "  --deployment NAME [--profiles FILE]\n"
    "                               a deployment profile instead of --url; FILE defaults to\n"
    "                               $XDG_CONFIG_HOME/fallback-console/deployments.yaml, else\n"
    "                               ~/.config/fallback-console/deployments.yaml\n"
    "  --token-file F               the admin token (first line of F); else the profile's\n"
    "                               token: source, else the FALLBACK_TOKEN environment variable\n"
    "  --timeout DURATION           per attempt (default 10s)\n"
    "\n"
    "  help, COMMAND --help         show this text, or one command's\n"
    "\n"
    "exit codes: 0 success, 1 invalid input or failed operation, 2 usage error,\n"
    "            3 could not reach the deployment\n";

int usageError(const std::string& message)
{
    std::fprintf(stderr, "fallbackctl: %s\n\n%s", message.c_str(), kUsageText);
    return kUsage;
}

int fail(int code, const std::string& message)
{
    std::fprintf(stderr, "fallbackctl: %s\n", message.c_str());
    return code;
}

} // namespace fallbackctl

namespace {

using namespace fallback;
using namespace fallbackctl;

std::optional<std::uint64_t> parseCount(const std::string& text)
{
    if (text.empty() || text.size() > 19)
        return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        value = value * 10 + std::uint64_t(c - '0');
    }
    return value;
}

int lint(const std::vector<std::string>& args)
{
    if (args.empty())
        return usageError("lint needs at least one FILE");
    bool failed = false;
    for (const std::string& path : args) {
        if (path.starts_with("-"))
            return usageError("lint takes no option '" + path + "'");
        const Diagnostics diagnostics = lintFile(path);
        std::fputs(diagnostics.format().c_str(), stderr);
        failed = failed || diagnostics.hasErrors();
    }
    return failed ? kFailed : kOk;
}

/// Redraws one line on a terminal's stderr, only once the run has taken a
/// second, so quick runs stay quiet.
class ProgressLine {
public:
    ProgressLine() : m_enabled(::isatty(STDERR_FILENO) == 1), m_start(Clock::now()) {}
    ~ProgressLine() { clear(); }

    void update(double share, std::uint64_t requests)
    {
        if (!m_enabled)
            return;
        const double elapsed = std::chrono::duration<double>(Clock::now() - m_start).count();
        if (elapsed < 1.0)
            return;
        constexpr int kWidth = 30;
        const int filled = static_cast<int>(share * kWidth);
        std::string bar(static_cast<std::size_t>(filled), '=');
        bar.resize(kWidth, ' ');
        std::fprintf(stderr, "\r[%s] %3.0f%%  %llu requests  %.2fM req/s ", bar.c_str(),
                     share * 100.0, static_cast<unsigned long long>(requests),
                     double(requests) / elapsed / 1e6);
        m_drawn = true;
    }
    void clear()
    {
        if (m_drawn)
            std::fputs("\r\033[K", stderr);
        m_drawn = false;
    }

private:
    using Clock = std::chrono::steady_clock;
    bool m_enabled;
    bool m_drawn = false;
    Clock::time_point m_start;
};

int simulate(const std::vector<std::string>& args)
{
    std::string scenarioPath;
    SimulationOptions options;
    bool json = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        auto value = [&](const char* flag) -> std::optional<std::string> {
            if (i + 1 >= args.size())
                return std::nullopt;
            (void)flag;
            return args[++i];
        };
        if (arg == "--json") {
            json = true;
        } else if (arg == "--trace") {
            const auto v = value("--trace");
            if (!v)
                return usageError("--trace needs a CSV file");
            options.tracePath = *v;
        } else if (arg == "--requests" || arg == "--seed") {
            const auto v = value(arg.c_str());
            const auto n = v ? parseCount(*v) : std::nullopt;
            if (!n)
                return usageError(arg + " needs a non-negative integer");
            (arg == "--requests" ? options.requests : options.seed) = *n;
        } else if (arg.starts_with("-")) {
            return usageError("simulate has no option '" + arg + "'");
        } else if (scenarioPath.empty()) {
            scenarioPath = arg;
        } else {
            return usageError("simulate takes one SCENARIO, got also '" + arg + "'");
        }
    }
    if (scenarioPath.empty())
        return usageError("simulate needs a SCENARIO file");

    Loaded<Scenario> scenario = loadScenarioFile(scenarioPath);
    std::fputs(scenario.diagnostics.format().c_str(), stderr);
    if (!scenario.value)
        return kFailed;
    if (!options.tracePath.empty()) {
        const Diagnostics traceProblems = TraceReader::lint(options.tracePath, options.tracePath, 20);
        if (traceProblems.hasErrors()) {
            std::fputs(traceProblems.format().c_str(), stderr);
            return kFailed;
        }
    }

    const auto started = std::chrono::steady_clock::now();
    Simulator simulator(*scenario.value, options);
    ProgressLine progress;
    const Status status = simulator.run(
        [&](double share) { progress.update(share, simulator.requestsIssued()); });
    progress.clear();
    if (!status) {
        std::fprintf(stderr, "%s\n", status.error().message.c_str());
        return kFailed;
    }

    const RunSummary summary = summarizeRun(
        simulator, std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (json)
        std::cout << summaryToJson(summary).dump(2) << '\n';
    else
        std::cout << summaryToTable(summary);
    return kOk;
}

} // namespace

int main(int argc, char** argv)
{
    if (argc < 2)
        return usageError("missing COMMAND");
    const std::string command = argv[1];
    const std::vector<std::string> args(argv + 2, argv + argc);
    if (command == "help" || command == "--help" || command == "-h") {
        std::fputs(kUsageText, stdout);
        return kOk;
    }
    if (command == "lint")
        return lint(args);
    if (command == "simulate")
        return simulate(args);
    if (command == "stats")
        return statsCommand(args);
    if (command == "policy")
        return policyCommand(args);
    if (command == "purge")
        return purgeCommand(args);
    if (command == "bump")
        return bumpCommand(args);
    if (command == "audit")
        return auditCommand(args);
    return usageError("unknown command '" + command + "'");
}
