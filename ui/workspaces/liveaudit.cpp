// LiveWorkspace: what other clients did to the deployment, read from its
// audit route (`GET /v1/admin/audit`) after each good stats answer, and
// this console's name in the node's audit log.

#include "live/auditfeed.h"
#include "models/preferences.h"
#include "workspaces/liveworkspace_p.h"

#include <QDir>
#include <QSysInfo>
#include <QTimeZone>

#include <algorithm>

namespace fallback::ui {

namespace {
/// Records remembered against a restarted node's repeats.
constexpr std::size_t kShownKept = 4000;
} // namespace

QString LiveWorkspace::clientName()
{
    static const QString name = [] {
        QString user = qEnvironmentVariable("USER");
        if (user.isEmpty())
            user = QDir::home().dirName();
        const QString full = QStringLiteral("fallback-console %1@%2 #%3")
                                 .arg(user, QSysInfo::machineHostName(), Preferences().clientId());
        // As it travels and the node keeps it, so that this console knows
        // its own records when they come back.
        return QString::fromStdString(live::cleanClientName(full.toStdString()));
    }();
    return name;
}

void LiveWorkspace::resetAudit()
{
    m_auditCall = 0;
    m_auditInstance.clear();
    m_auditSeq = 0;
    m_auditUnsupported = false;
    m_auditShown.clear();
    m_otherPolicyChangeBy.clear();
    m_otherPolicyChangeAt = {};
    runAfterAuditRead();
}

void LiveWorkspace::readAuditThen(std::function<void()> then)
{
    m_afterAuditRead.push_back(std::move(then));
    pollAudit();
    if (!m_auditCall)
        runAfterAuditRead(); // nothing to wait for: a node without the route
}

void LiveWorkspace::runAfterAuditRead()
{
    std::vector<std::function<void()>> waiting;
    waiting.swap(m_afterAuditRead);
    for (const std::function<void()>& then : waiting)
        then();
}

void LiveWorkspace::pollAudit()
{
    if (m_auditCall || m_auditUnsupported)
        return;
    // At connect (or after a restart of the node) the newest records, then
    // whatever follows the last one read.
    const bool newest = m_auditInstance.empty();
    const std::int64_t after = newest ? -1 : static_cast<std::int64_t>(m_auditSeq);
    const int limit = newest ? kAuditBacklog : kAuditPage;
    m_auditCall = send(
        [&](live::ResponseHandler handler) {
            return m_client->audit(endpoint(true), after, limit, std::move(handler));
        },
        [](const live::Response& response) -> std::shared_ptr<const live::AuditPage> {
            if (!response.ok())
                return nullptr;
            Result<live::AuditPage> page = live::parseAuditPage(response.body);
            return page ? std::make_shared<const live::AuditPage>(std::move(page.value())) : nullptr;
        },
        [this](const AdminAnswer& answer, const std::shared_ptr<const live::AuditPage>& page) {
            m_auditCall = 0;
            onAuditPage(answer, page);
            if (!m_auditCall) // read to the end (no further page asked for)
                runAfterAuditRead();
        });
}

void LiveWorkspace::onAuditPage(const AdminAnswer& answer,
                                const std::shared_ptr<const live::AuditPage>& page)
{
    if (answer.noRoute()) {
        m_auditUnsupported = true; // an older node: nothing to read, ever
        return;
    }
    if (!page)
        return; // no answer, refused, not understood: read again after the next poll
    if (page->instance != m_auditInstance) {
        const bool restarted = !m_auditInstance.empty();
        m_auditInstance.clear();
        m_auditSeq = 0;
        if (restarted) {
            // Its numbers started again: this page answers a number of the
            // old run. Read its newest instead; those already shown (read
            // back from its file) are skipped.
            pollAudit();
            return;
        }
        m_auditInstance = page->instance;
    }
    const std::string self = clientName().toStdString();
    for (const live::AuditEntry& entry : page->entries) {
        m_auditSeq = std::max(m_auditSeq, entry.seq);
        if (entry.client == self)
            continue; // recorded when this console did it
        if (!m_auditShown.insert(live::auditEntryKey(entry)).second)
            continue;
        ActivityRecord record;
        record.when = QDateTime::fromMSecsSinceEpoch(entry.time / kMicrosPerMilli, QTimeZone::utc());
        record.workspace = name();
        record.action = QString::fromStdString(entry.action);
        record.target = QString::fromStdString(entry.target);
        record.result = QString::fromStdString(entry.result);
        record.ok = entry.ok;
        record.remote = true;
        record.by = QString::fromStdString(entry.who());
        record.at = entry.time; // the node's clock, which its series count in
        if (record.action == QLatin1String("policy") && record.ok) {
            m_otherPolicyChangeBy = record.by;
            m_otherPolicyChangeAt = record.when;
        }
        emit activity(record);
    }
    if (m_auditShown.size() > kShownKept)
        m_auditShown.clear(); // only a restarted node's repeats need it, and it re-reads few
    if (page->more)
        pollAudit(); // more waiting: read on at once
    else
        m_auditSeq = std::max(m_auditSeq, page->lastSeq);
}

} // namespace fallback::ui
