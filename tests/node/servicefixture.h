#pragma once

// The in-process NodeService that tst_nodeservice and tst_nodecontract call
// with plain request values (no sockets): in-process tiers, a hand-set
// clock, optionally a dead origin or KV, a client cache, and an audit log
// and versions.json in a folder of the test's choosing.

#include "node/auditlog.h"
#include "node/nodeservice.h"
#include "node/versionstore.h"

#include "engine/engine.h"
#include "policy/policyloader.h"
#include "tiers/memorytier.h"

#include "inprocessnode.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>

#include <memory>
#include <optional>

namespace nodetest {

inline constexpr const char* kToken = "test-token-0123456789";

/// A tier that is down: every call answers Error.
class DeadTier final : public fallback::Tier {
public:
    fallback::TierAnswer get(const fallback::StoredKey&, fallback::Micros, fallback::Micros) override
    {
        return {fallback::TierStatus::Error, 0, {}};
    }
    fallback::TierAnswer put(const fallback::StoredKey&, const fallback::Entry&, fallback::Micros) override
    {
        return {fallback::TierStatus::Error, 0, {}};
    }
    fallback::TierAnswer erase(const fallback::StoredKey&, fallback::Micros) override
    {
        return {fallback::TierStatus::Error, 0, {}};
    }
    std::size_t purge(const fallback::PurgeScope&) override { return 0; }
    std::size_t countMatching(const fallback::PurgeScope&) const override { return 0; }
    std::optional<fallback::Entry> peek(const fallback::StoredKey&) const override { return std::nullopt; }
    void forEachKey(const std::function<bool(const fallback::StoredKey&, const fallback::Entry&)>&) const override
    {
    }
    fallback::TierUsage usage() const override { return {}; }
};

struct FixtureOptions {
    bool deadOrigin = false;
    bool deadKv = false;
    bool clientCache = false;
    /// Set: the audit log and versions.json live in this folder.
    QString dataDir = {};
    std::size_t idSweepThreshold = 1u << 16; ///< ServiceOptions::idSweepThreshold
    fallback::node::LogSink log = {};        ///< the node's log lines
    fallback::node::PurgeLimitSpec purgeLimit = {}; ///< ServiceOptions::purgeLimit
};

struct ServiceFixture {
    explicit ServiceFixture(FixtureOptions o = {})
        : edge(fallback::Capacity{}, fallback::EvictionKind::Lru),
          kv(fallback::Capacity{}, fallback::EvictionKind::Lru),
          origin(fallback::Capacity{}, fallback::EvictionKind::Lru),
          client(fallback::Capacity{}, fallback::EvictionKind::Lru),
          engine(keys, clock,
                 {&edge, o.deadKv ? static_cast<fallback::Tier*>(&deadKv) : &kv,
                  o.deadOrigin ? static_cast<fallback::Tier*>(&deadOrigin) : &origin,
                  o.clientCache ? &client : nullptr})
    {
        fallback::Policy policy = *fallback::parsePolicyYaml(kPolicy, "test").value;
        if (!o.dataDir.isEmpty()) {
            auto opened = fallback::node::AuditLog::open(
                QString(o.dataDir + QStringLiteral("/audit.jsonl")).toStdString());
            auditLog = std::move(opened.value());
            versions.emplace(fallback::node::VersionStore::load(
                                 QString(o.dataDir + QStringLiteral("/versions.json")).toStdString())
                                 .value());
            versions->raise(policy);
            versions->record(policy); // as fallback-node does at start
        }
        engine.setPolicy(policy);
        fallback::node::ServiceOptions options;
        options.adminToken = kToken;
        options.idSweepThreshold = o.idSweepThreshold;
        options.purgeLimit = o.purgeLimit;
        service = std::make_unique<fallback::node::NodeService>(engine, clock, options, auditLog.get(),
                                                                versions ? &*versions : nullptr,
                                                                o.log);
        // The origin knows product/a (stored 5 s before the start).
        fallback::Entry entry;
        entry.storedAt = kStart - 5 * fallback::kMicrosPerSecond;
        entry.body = std::make_shared<const std::string>("hello");
        entry.size = 5;
        origin.put(engine.storedKey(*keys.findNamespace("product"), keys.intern("a")), entry, kStart);
    }

    /// What the service decides on a request's head alone (before its
    /// body): the token sent, and a declared Content-Length.
    static fallback::node::HttpRequest head(const char* method, const char* target,
                                            std::uint64_t contentLength)
    {
        fallback::node::HttpRequest request;
        request.method = method;
        request.target = target;
        request.headers.emplace_back("authorization", std::string("Bearer ") + kToken);
        request.contentLength = contentLength;
        return request;
    }

    fallback::node::HttpResponse call(const QByteArray& method, const QByteArray& target,
                                      const QByteArray& body = {}, bool withToken = true,
                                      QList<QPair<QByteArray, QByteArray>> headers = {})
    {
        fallback::node::HttpRequest request;
        request.method = method.toStdString();
        request.target = target.toStdString();
        request.body = body.toStdString();
        request.peer = "127.0.0.1:1";
        if (withToken)
            request.headers.emplace_back("authorization", std::string("Bearer ") + kToken);
        for (const auto& [name, value] : headers)
            request.headers.emplace_back(name.toStdString(), value.toStdString());
        std::optional<fallback::node::HttpResponse> answer;
        service->handle(std::move(request), [&](fallback::node::HttpResponse r) { answer = std::move(r); });
        if (!answer)
            return fallback::node::errorResponse(599, "no answer");
        return *answer;
    }

    ManualClock clock;
    fallback::KeySpace keys;
    fallback::MemoryTier edge;
    fallback::MemoryTier kv;
    fallback::MemoryTier origin;
    fallback::MemoryTier client;
    DeadTier deadOrigin;
    DeadTier deadKv;
    std::unique_ptr<fallback::node::AuditLog> auditLog;
    std::optional<fallback::node::VersionStore> versions;
    fallback::Engine engine;
    std::unique_ptr<fallback::node::NodeService> service;
};

inline QByteArray header(const fallback::node::HttpResponse& r, const char* name)
{
    for (const auto& [key, value] : r.headers)
        if (key == name)
            return QByteArray::fromStdString(value);
    return {};
}

/// Every value of a header the answer carries more than once, in order.
inline QList<QByteArray> headerValues(const fallback::node::HttpResponse& r, const char* name)
{
    QList<QByteArray> values;
    for (const auto& [key, value] : r.headers)
        if (key == name)
            values << QByteArray::fromStdString(value);
    return values;
}

inline QByteArray body(const fallback::node::HttpResponse& r)
{
    return r.body ? QByteArray::fromStdString(*r.body) : QByteArray();
}

inline QJsonObject json(const fallback::node::HttpResponse& r)
{
    return QJsonDocument::fromJson(body(r)).object();
}

} // namespace nodetest
