// OverviewPage: what the workspace did, as marks on its charts - purges,
// bumps, policy changes and faults, this console's and (live) other
// clients' - placed on the workspace's clock.

#include "charts/chartcolors.h"
#include "widgets/overviewpage.h"

namespace fallback::ui {

void OverviewPage::onActivity(const ActivityRecord& record)
{
    // What changed the traffic: done, and placed on the workspace's clock.
    if (!record.ok || record.at < 0)
        return;
    Mark mark;
    mark.at = record.at;
    mark.until = record.until;
    const bool dark = isDarkPalette(palette());
    if (record.action == QLatin1String("fault")) {
        mark.label =
            record.target + QLatin1Char(' ') + record.result.section(QStringLiteral(": "), -1);
        mark.color = record.result.contains(QLatin1String("down")) ? failedColor(dark)
                     : record.result.endsWith(QLatin1String("healthy")) ||
                             record.result.endsWith(QLatin1String(": up"))
                         ? healthyColor(dark)
                         : faultColor(dark);
    } else if (record.action == QLatin1String("purge") || record.action == QLatin1String("bump")) {
        mark.label = record.action + QLatin1Char(' ') + record.target;
        mark.color = markColor(dark);
    } else if (record.action == QLatin1String("policy")) {
        mark.label = tr("policy applied");
        mark.color = markColor(dark);
    } else {
        return;
    }
    if (record.remote && !record.by.isEmpty()) // another client's: say which, briefly
        mark.label += QStringLiteral(" (%1)").arg(record.by.section(QLatin1Char(' '), 0, 0));
    if (m_marks.size() >= kMaxMarks)
        m_marks.erase(m_marks.begin());
    m_marks.push_back(std::move(mark));
    scheduleRefresh();
}

void OverviewPage::markEarlier(const QList<ActivityRecord>& records)
{
    if (!m_live)
        return;
    for (ActivityRecord record : records) {
        if (record.at < 0 && record.when.isValid())
            record.at = record.when.toMSecsSinceEpoch() * kMicrosPerMilli;
        onActivity(record);
    }
}

QList<ChartMarker> OverviewPage::markersAt(std::int64_t edge) const
{
    QList<ChartMarker> markers;
    markers.reserve(qsizetype(m_marks.size()));
    const double origin = double(edge);
    for (const Mark& mark : m_marks) {
        ChartMarker marker;
        marker.x = double(mark.at) / kMicrosPerSecond - origin;
        if (mark.until >= 0)
            marker.until = double(mark.until) / kMicrosPerSecond - origin;
        marker.label = mark.label;
        marker.color = mark.color;
        markers.append(marker);
    }
    return markers;
}

} // namespace fallback::ui
