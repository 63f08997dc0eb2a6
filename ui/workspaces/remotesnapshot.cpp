#include "workspaces/remotesnapshot.h"

#include "live/remotestats.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>

namespace fallback::ui {

namespace {

using nlohmann::json;

json parse(std::string_view body)
{
    // No exceptions on the data path: a body that is not JSON is discarded.
    return json::parse(body.begin(), body.end(), nullptr, false);
}

QString text(const json& doc, const char* field)
{
    const auto it = doc.find(field);
    return it != doc.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                              : QString();
}

std::int64_t integer(const json& doc, const char* field, std::int64_t otherwise = -1)
{
    const auto it = doc.find(field);
    if (it == doc.end() || !it->is_number())
        return otherwise;
    return it->is_number_float() ? std::int64_t(it->get<double>()) : it->get<std::int64_t>();
}

QString tierKey(TierId tier)
{
    const std::string_view name = tierName(tier);
    return QString::fromLatin1(name.data(), qsizetype(name.size()));
}

/// `health` may be a word (`ok`, `degraded`) or an object with `status` and
/// a `reason`; a `degraded: true` flag says the same.
QString healthProblem(const json& doc)
{
    if (const auto flag = doc.find("degraded"); flag != doc.end() && flag->is_boolean()
                                                && flag->get<bool>())
        return QStringLiteral("the node reports itself degraded");
    const auto health = doc.find("health");
    if (health == doc.end())
        return {};
    QString status;
    QString reason;
    if (health->is_string()) {
        status = QString::fromStdString(health->get<std::string>());
    } else if (health->is_object()) {
        status = text(*health, "status");
        reason = text(*health, "reason");
    }
    if (status.isEmpty() || status == QLatin1String("ok") || status == QLatin1String("healthy"))
        return {};
    return reason.isEmpty() ? QStringLiteral("the node reports %1").arg(status)
                            : QStringLiteral("the node reports %1: %2").arg(status, reason);
}

/// The strings of a health answer's `warnings`, made safe to show.
QStringList healthWarnings(const json& list)
{
    QStringList warnings;
    qsizetype leftOut = 0;
    for (const json& item : list) {
        if (!item.is_string())
            continue;
        // A node's text goes on screen as it is, bar what could hide or
        // move other text: C0, DEL and C1 controls (an escape sequence, a
        // line break that would fake a second warning).
        QString warning = QString::fromStdString(item.get<std::string>());
        for (QChar& c : warning) {
            if (c.category() == QChar::Other_Control)
                c = QLatin1Char(' ');
        }
        warning = warning.trimmed();
        if (warning.isEmpty())
            continue;
        if (warnings.size() == kMaxHealthWarnings) {
            ++leftOut;
            continue;
        }
        if (warning.size() > kMaxHealthWarningLength) {
            qsizetype cut = kMaxHealthWarningLength - 1;
            if (warning.at(cut - 1).isHighSurrogate())
                --cut; // never half a character
            warning = warning.left(cut) + QChar(0x2026);
        }
        warnings << warning;
    }
    if (leftOut > 0)
        warnings << (leftOut == 1 ? QStringLiteral("(1 more warning not shown)")
                                  : QStringLiteral("(%1 more warnings not shown)").arg(leftOut));
    return warnings;
}

} // namespace

StatsReading readStats(std::string_view body, const Policy& policy, const SeriesCursor& cursor,
                       Micros wallNow)
{
    StatsReading reading;
    reading.cursor = cursor;
    const json doc = parse(body);
    if (doc.is_discarded() || !doc.is_object()) {
        reading.error = QStringLiteral("the stats answer is not a JSON object");
        return reading;
    }
    Result<live::RemoteStats> parsed = live::parseStats(doc);
    if (!parsed) {
        reading.error = QStringLiteral("the stats answer was not understood: %1")
                            .arg(QString::fromStdString(parsed.error().message));
        return reading;
    }
    const live::RemoteStats& stats = *parsed;
    if (const auto etag = doc.find("policy_etag"); etag != doc.end() && etag->is_string())
        reading.policyEtag = etag->get<std::string>();
    reading.healthProblem = healthProblem(doc);

    auto snapshot = std::make_shared<WorkspaceSnapshot>();
    snapshot->now = stats.now > 0 ? stats.now : wallNow;
    const json* tiers = nullptr;
    if (const auto it = doc.find("tiers"); it != doc.end() && it->is_object())
        tiers = &*it;
    for (TierId tier : kAllTiers) {
        const auto t = std::size_t(tierIndex(tier));
        TierView& view = snapshot->tiers[t];
        view.enabled = stats.tierEnabled[t];
        view.counters = stats.tiers[t];
        view.latency = stats.tierLatency[t];
        // Entries held are an extension a node may send per tier.
        view.usageKnown = false;
        if (tiers) {
            const auto entry = tiers->find(std::string(tierName(tier)));
            if (entry != tiers->end() && entry->is_object() && entry->contains("entries")) {
                view.usageKnown = true;
                view.usage.entries = std::uint64_t(std::max<std::int64_t>(0, integer(*entry, "entries", 0)));
                view.usage.bytes = std::uint64_t(std::max<std::int64_t>(0, integer(*entry, "bytes", 0)));
            }
        }
    }
    snapshot->requests = stats.counters;
    snapshot->latency = stats.latency;
    snapshot->kvQueueDepth = stats.kvQueueDepth;
    snapshot->policy = policy;
    snapshot->namespaces.reserve(stats.namespaces.size());
    for (const live::RemoteNamespace& ns : stats.namespaces)
        snapshot->namespaces.push_back(
            NamespaceView{ns.name, ns.version, ns.tiers, ns.requests, ns.latency});

    // --- the series -------------------------------------------------------
    const std::int64_t nowSecond = snapshot->now / kMicrosPerSecond;
    const std::int64_t edge = nowSecond - 1; // the newest complete second
    const std::int64_t nodeStart =
        stats.uptimeSeconds > 0 ? nowSecond - std::int64_t(stats.uptimeSeconds) : -1;
    // A node that started again since the last answer counted nothing in
    // between: those seconds are unknown, not idle.
    const bool restarted = cursor.nodeStart >= 0 && nodeStart >= 0
                           && std::abs(nodeStart - cursor.nodeStart) > 2;

    std::vector<SeriesPoint> points;
    points.reserve(stats.series.size());
    for (const SeriesPoint& point : stats.series) {
        // The open second comes again, whole, with a later poll.
        if (point.second > cursor.lastPoint && point.second <= edge)
            points.push_back(point);
    }
    std::sort(points.begin(), points.end(),
              [](const SeriesPoint& a, const SeriesPoint& b) { return a.second < b.second; });

    // Which seconds this answer accounts for: after what is held already;
    // or, for a first look at a node run, everything since it started (its
    // series holds every second it counted, up to kMaxFilledSeconds back);
    // or, when its start is unknown, from its first point on.
    std::int64_t fillFrom = edge + 1; // nothing to fill
    if (cursor.filledTo >= 0 && !restarted)
        fillFrom = cursor.filledTo + 1;
    else if (nodeStart >= 0)
        fillFrom = nodeStart;
    else if (!points.empty())
        fillFrom = points.front().second;
    if (nodeStart >= 0)
        fillFrom = std::max(fillFrom, nodeStart);
    fillFrom = std::max(fillFrom, edge - kMaxFilledSeconds + 1);

    std::vector<SeriesPoint>& out = snapshot->newPoints;
    out.reserve(points.size() + std::size_t(std::max<std::int64_t>(0, edge - fillFrom + 1)));
    auto next = points.begin();
    // Late parts of seconds already held go first (the history merges them).
    for (; next != points.end() && next->second < fillFrom; ++next)
        out.push_back(*next);
    for (std::int64_t second = fillFrom; second <= edge; ++second) {
        if (next != points.end() && next->second == second) {
            for (; next != points.end() && next->second == second; ++next)
                out.push_back(*next);
        } else {
            SeriesPoint idle;
            idle.second = second;
            out.push_back(idle);
        }
    }
    for (; next != points.end(); ++next)
        out.push_back(*next);

    snapshot->seriesReset = cursor.isFresh();
    if (!points.empty()) {
        reading.cursor.lastPoint = std::max(cursor.lastPoint, points.back().second);
        snapshot->requestsPerSecond = double(points.back().requests.requests);
    }
    if (!out.empty())
        reading.cursor.filledTo = std::max(cursor.filledTo, out.back().second);
    if (nodeStart >= 0)
        reading.cursor.nodeStart = nodeStart;

    reading.snapshot = std::move(snapshot);
    reading.ok = true;
    return reading;
}

KeyReport readKeyReport(std::string_view body, const QString& ns, const QString& id)
{
    KeyReport report;
    report.ns = ns;
    report.id = id;
    const json doc = parse(body);
    if (doc.is_discarded() || !doc.is_object() || !doc.contains("tiers")
        || !doc["tiers"].is_object()) {
        report.ok = false;
        report.error = QStringLiteral("the key report was not understood");
        return report;
    }
    report.version = std::uint64_t(std::max<std::int64_t>(0, integer(doc, "version", 0)));
    report.storedKey = text(doc, "stored_key");
    if (report.storedKey.isEmpty())
        report.storedKey = QStringLiteral("%1:%2:%3").arg(ns).arg(report.version).arg(id);
    const json& tiers = doc["tiers"];
    for (TierId tier : kAllTiers) {
        const auto it = tiers.find(tierKey(tier).toStdString());
        if (it == tiers.end() || !it->is_object())
            continue;
        KeyCopy& copy = report.tiers[std::size_t(tierIndex(tier))];
        const auto present = it->find("present");
        copy.present = present != it->end() && present->is_boolean() && present->get<bool>();
        copy.age = integer(*it, "age_ms", 0) * kMicrosPerMilli;
        copy.ttlLeft = integer(*it, "ttl_left_ms", 0) * kMicrosPerMilli;
        copy.freshness = text(*it, "freshness");
        copy.size = std::uint32_t(std::clamp<std::int64_t>(integer(*it, "size", 0), 0, UINT32_MAX));
    }
    return report;
}

QStringList readKeyIds(std::string_view body)
{
    QStringList ids;
    const json doc = parse(body);
    if (doc.is_discarded() || !doc.is_object())
        return ids;
    const auto list = doc.find("ids");
    if (list == doc.end() || !list->is_array())
        return ids;
    for (const json& id : *list) {
        if (id.is_string())
            ids << QString::fromStdString(id.get<std::string>());
    }
    return ids;
}

InvalidationPreview readPurgePreview(std::string_view body, const Invalidation& invalidation)
{
    InvalidationPreview preview;
    preview.invalidation = invalidation;
    const json doc = parse(body);
    const std::int64_t would = doc.is_object() ? integer(doc, "would_purge") : -1;
    if (would < 0) {
        // A node without dry runs may have purged for real: say so plainly.
        preview.ok = false;
        preview.error = QStringLiteral("this fallback-node cannot preview an invalidation (its "
                                       "answer has no would_purge count): update it");
        return preview;
    }
    const auto perTier = doc.find("per_tier");
    if (perTier != doc.end() && perTier->is_object()) {
        for (TierId tier : {TierId::EdgeCache, TierId::EdgeKv}) {
            const std::int64_t n = integer(*perTier, std::string(tierName(tier)).c_str(), 0);
            preview.entriesPerTier[std::size_t(tierIndex(tier))] = std::size_t(std::max<std::int64_t>(0, n));
        }
    } else {
        preview.entriesPerTier[std::size_t(tierIndex(TierId::EdgeCache))] = std::size_t(would);
    }
    return preview;
}

HealthReading readHealth(std::string_view body)
{
    HealthReading reading;
    const json doc = parse(body);
    if (doc.is_discarded() || !doc.is_object()) {
        reading.problem = QStringLiteral("the health answer is not a JSON object");
        return reading;
    }
    reading.understood = true;
    json wrapped = json::object();
    wrapped["health"] = doc;
    reading.problem = healthProblem(wrapped);
    if (const auto list = doc.find("warnings"); list != doc.end() && list->is_array())
        reading.warnings = healthWarnings(*list);
    reading.purgeLimit = live::nodePurgeLimit(body);
    return reading;
}

QString readErrorBody(std::string_view body)
{
    const json doc = parse(body);
    if (doc.is_discarded() || !doc.is_object())
        return {};
    QString message = text(doc, "error");
    const auto diagnostics = doc.find("diagnostics");
    if (diagnostics != doc.end() && diagnostics->is_array()) {
        for (const json& line : *diagnostics) {
            if (line.is_string())
                message += QLatin1Char('\n') + QString::fromStdString(line.get<std::string>());
            else if (line.is_object() && line.contains("message"))
                message += QLatin1Char('\n') + text(line, "message");
        }
    }
    return message.trimmed();
}

std::int64_t readCount(std::string_view body, const char* field)
{
    const json doc = parse(body);
    return doc.is_object() ? integer(doc, field) : -1;
}

} // namespace fallback::ui
