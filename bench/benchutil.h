#pragma once

// Small helpers shared by the benchmark programs.

#include <fstream>
#include <string>

namespace fallback::bench {

/// Peak resident set of this process, in MiB (VmHWM): shows whether memory
/// grows with the input.
inline double peakRssMiB()
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmHWM:", 0) == 0)
            return std::stod(line.substr(6)) / 1024.0;
    }
    return 0.0;
}

} // namespace fallback::bench
