#pragma once

#include <string>

namespace fallback {

/// The CA bundle (PEM) that https:// clients verify peers with when they
/// are given none: $CURL_CA_BUNDLE, else $SSL_CERT_FILE, the variables curl
/// and OpenSSL users already set for an internal CA. Empty when neither is
/// set: then libcurl's system store. Read at each call.
std::string caBundleFromEnvironment();

} // namespace fallback
