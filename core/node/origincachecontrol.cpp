#include "node/origincachecontrol.h"

#include "util/text.h"

#include <algorithm>

namespace fallback::node {

bool OriginCacheControl::record(NamespaceId ns, CacheDirectives directives, std::string_view header,
                                Micros now)
{
    if (ns >= m_sightings.size()) {
        m_sightings.resize(ns + 1u);
        m_totals.resize(ns + 1u);
    }
    for (std::size_t d = 0; d < kCacheDirectiveCount; ++d) {
        if (directives & directiveBit(static_cast<CacheDirective>(d)))
            ++m_totals[ns][d];
    }
    Sighting& seen = m_sightings[ns];
    const bool fresh = find(ns, now) == nullptr;
    if (fresh)
        seen = Sighting{0, 0, now, now, {}};
    seen.directives |= directives;
    ++seen.answers;
    seen.last = now;
    std::size_t keep = std::min(header.size(), kMaxHeader);
    while (keep < header.size() && keep > 0 &&
           (static_cast<unsigned char>(header[keep]) & 0xC0) == 0x80)
        --keep; // not inside a UTF-8 sequence
    seen.header = withoutControlCharacters(header.substr(0, keep));
    if (keep < header.size())
        seen.header += "...";
    return fresh;
}

const OriginCacheControl::Sighting* OriginCacheControl::find(NamespaceId ns, Micros now) const
{
    if (ns >= m_sightings.size())
        return nullptr;
    const Sighting& seen = m_sightings[ns];
    return seen.answers > 0 && now - seen.last <= kRemember ? &seen : nullptr;
}

} // namespace fallback::node
