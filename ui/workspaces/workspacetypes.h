#pragma once

#include "engine/types.h"
#include "util/units.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>

#include <array>
#include <optional>

namespace fallback::ui {

/// What an invalidation reaches: one key, a namespace, everything, or a bump.
struct Invalidation {
    enum class Kind { PurgeKey, PurgeNamespace, PurgeAll, Bump };
    Kind kind = Kind::PurgeNamespace;
    QString ns; ///< PurgeKey, PurgeNamespace, Bump
    QString id; ///< PurgeKey: the resource id

    /// `purge key product:123`, `purge namespace product`, `purge all`, `bump product`.
    QString describe() const;
    /// `product:123`, `product`, `*`.
    QString target() const;
};

/// What an invalidation would reach, answered by a workspace before the user
/// confirms it.
struct InvalidationPreview {
    Invalidation invalidation;
    bool ok = true;
    QString error;
    std::array<std::size_t, kTierCount> entriesPerTier{}; ///< cached entries it removes (or strands, for a bump)
    double readsPerSecond = 0.0;           ///< recent reads of the scope
    double expectedOriginFetchesPerSecond = 0.0; ///< upper bound for the first seconds after it
    std::uint64_t currentVersion = 0;      ///< Bump: the version before
};

/// One line of the audit trail: every invalidation and policy change, its
/// target and its result (SPEC §7 Activity).
struct ActivityRecord {
    QDateTime when;     ///< wall clock, UTC
    QString workspace;
    QString action;     ///< `purge`, `bump`, `policy`, `fault`, ...
    QString target;     ///< `product`, `product:123`, `*`, ...
    QString result;     ///< `purged 42 entries`, `version 4`, or the error
    bool ok = true;
    /// Happened inside a simulation (a scenario's scheduled event), not by
    /// a person's hand: shown in the Activity tab, not written to the audit file.
    bool simulated = false;
    /// Done by another client of a live deployment (another console,
    /// fallbackctl, a script), as its audit route reports it: shown in the
    /// Activity tab and on the Overview, not written to this console's
    /// activity file (the node's own audit log keeps it).
    bool remote = false;
    /// Who did a remote record, e.g. `fallbackctl alice@ops-1 (10.0.0.3)`.
    QString by = {};
    /// On the workspace's own clock (virtual time in a local run, the wall
    /// clock in live mode), where the Overview marks it: when it happened
    /// and, for a fault with a duration, when it ends. -1: unknown. Not kept
    /// in the activity file.
    Micros at = -1;
    Micros until = -1;
};

/// One tier's copy of a resource, for the Keys tab.
struct KeyCopy {
    bool present = false;
    Micros age = 0;
    Micros ttlLeft = 0;     ///< negative once past ttl
    QString freshness;      ///< `fresh`, `stale` (within SWR / SIE), `expired`
    std::uint32_t size = 0;
};

struct KeyReport {
    QString ns;
    QString id;
    std::uint64_t version = 0;
    QString storedKey;      ///< `ns:version:id`
    std::array<KeyCopy, kTierCount> tiers{};
    /// A local run's virtual clock when it looked (ages count from it); none
    /// for a live deployment, whose ages count from the wall clock.
    std::optional<Micros> virtualNow;
    bool ok = true;
    QString error;
};

} // namespace fallback::ui

Q_DECLARE_METATYPE(fallback::ui::Invalidation)
Q_DECLARE_METATYPE(fallback::ui::InvalidationPreview)
Q_DECLARE_METATYPE(fallback::ui::ActivityRecord)
Q_DECLARE_METATYPE(fallback::ui::KeyReport)
