// fallback-node: the fallback engine served over HTTP (SPEC §6). Everything
// but argument handling lives in core/node (node.h).

#include "node/node.h"

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv)
{
    const std::vector<std::string> args(argv + 1, argv + argc);
    const fallback::Result<fallback::node::NodeOptions> options =
        fallback::node::parseNodeArguments(args);
    if (!options) {
        std::cerr << "fallback-node: " << options.error().message << "\n"
                  << "run 'fallback-node --help' for the options\n";
        return 2;
    }
    if (options->help) {
        std::cout << fallback::node::nodeUsage();
        return 0;
    }
    return fallback::node::runNode(*options);
}
