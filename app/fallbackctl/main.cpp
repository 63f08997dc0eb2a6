#include <cstdio>

int main()
{
    std::fputs("usage: fallbackctl COMMAND ...\n", stderr);
    return 2;
}
