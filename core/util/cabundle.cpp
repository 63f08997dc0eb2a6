#include "util/cabundle.h"

#include <cstdlib>

namespace fallback {

std::string caBundleFromEnvironment()
{
    for (const char* name : {"CURL_CA_BUNDLE", "SSL_CERT_FILE"}) {
        const char* value = std::getenv(name);
        if (value && *value)
            return value;
    }
    return {};
}

} // namespace fallback
