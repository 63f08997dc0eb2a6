#pragma once

#include "engine/types.h"

#include <QString>

namespace fallback::ui {

/// A tier's name as the SPEC spells it (`edge_cache`, ...), for labels,
/// series names and export columns.
inline QString tierText(TierId tier)
{
    const std::string_view name = tierName(tier);
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

} // namespace fallback::ui
