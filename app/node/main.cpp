// Placeholder while the node is being written (issue 4); replaced by the node's main.
#include <cstdio>
int main()
{
    std::fputs("fallback-node: not built yet\n", stderr);
    return 2;
}
