// DeploymentStore: drafts checked with the loader's rules, load / save,
// import (merge, clashes reported) and export - never a secret in a file.

#include "models/credentialstore.h"
#include "models/deploymentstore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace fallback;
using namespace fallback::ui;
using Field = DeploymentStore::Field;

Q_DECLARE_METATYPE(DeploymentStore::Field)

namespace {

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool write(const QString& path, const QByteArray& text)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

DeploymentProfile profile(const char* name, TokenSource token = {TokenSource::Kind::Env, "EDGE_TOKEN"})
{
    DeploymentProfile p;
    p.name = name;
    p.url = "https://edge.example.com";
    p.token = token;
    return p;
}

} // namespace

class TestDeploymentStore : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void checkDraft_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<QString>("interval");
        QTest::addColumn<QString>("token");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<Field>("field");     ///< where the problem is shown (when invalid)
        QTest::addColumn<QString>("message"); ///< part of it

        const QString ok = QStringLiteral("https://edge.example.com");
        QTest::newRow("valid env") << "staging-eu" << ok << "staging" << "2s" << "env:EDGE_TOKEN" << true
                                   << Field::Name << QString();
        QTest::newRow("valid ask each session") << "s" << ok << "production" << "500ms" << "" << true
                                                << Field::Name << QString();
        QTest::newRow("valid keychain") << "s" << "http://127.0.0.1:8080" << "staging" << "1m"
                                        << "keychain:edge" << true << Field::Name << QString();
        QTest::newRow("no scheme") << "s" << "edge.example.com" << "staging" << "2s" << "" << false
                                   << Field::Url << "http:// or https://";
        QTest::newRow("credentials in url") << "s" << "https://u:p@edge.example.com" << "staging" << "2s"
                                            << "" << false << Field::Url << "credentials";
        QTest::newRow("upper-case environment") << "s" << ok << "Production" << "2s" << "" << false
                                                << Field::Environment << "lower-case";
        QTest::newRow("bad interval") << "s" << ok << "staging" << "2 parsecs" << "" << false
                                      << Field::PollInterval << "poll_interval";
        QTest::newRow("interval too short") << "s" << ok << "staging" << "10ms" << "" << false
                                            << Field::PollInterval << "poll_interval";
        QTest::newRow("bad env name") << "s" << ok << "staging" << "2s" << "env:MY-TOKEN" << false
                                      << Field::Token << "env:";
        QTest::newRow("secret in the token field") << "s" << ok << "staging" << "2s" << "hunter2" << false
                                                   << Field::Token << "never live in the YAML";
        QTest::newRow("empty name") << "" << ok << "staging" << "2s" << "" << false << Field::Name
                                    << "name";
    }

    void checkDraft()
    {
        QFETCH(QString, name);
        QFETCH(QString, url);
        QFETCH(QString, environment);
        QFETCH(QString, interval);
        QFETCH(QString, token);
        QFETCH(bool, valid);
        QFETCH(Field, field);
        QFETCH(QString, message);

        const DeploymentStore::Check check =
            DeploymentStore::check({name, url, environment, interval, token});
        QCOMPARE(check.profile.has_value(), valid);
        if (valid) {
            QVERIFY(check.errors.isEmpty());
            QCOMPARE(QString::fromStdString(check.profile->name), name);
            QCOMPARE(check.profile->isProduction(), environment == QLatin1String("production"));
            return;
        }
        QVERIFY2(check.errors.contains(field), qPrintable(check.errors.values().join(QLatin1Char('|'))));
        QVERIFY2(check.errors.value(field).contains(message), qPrintable(check.errors.value(field)));
        // A secret typed where a reference belongs is never echoed back.
        if (token == QLatin1String("hunter2"))
            QVERIFY(!check.errors.value(field).contains(token));
    }

    void plainHttpWithATokenWarns()
    {
        const DeploymentStore::Check check = DeploymentStore::check(
            {QStringLiteral("s"), QStringLiteral("http://edge.example.com"), QStringLiteral("staging"),
             QStringLiteral("2s"), QStringLiteral("env:EDGE_TOKEN")});
        QVERIFY(check.profile);
        QVERIFY(!check.warnings.isEmpty());
        QVERIFY(check.warnings.join(QLatin1Char(' ')).contains(QStringLiteral("https://")));
    }

    void saveLoadRoundTrip()
    {
        DeploymentStore store;
        store.setPath(m_dir.filePath(QStringLiteral("nested/folder/deployments.yaml")));
        QVERIFY(store.upsert(profile("a")));
        QVERIFY(store.upsert(profile("b", {TokenSource::Kind::Keychain, "edge-b"})));
        QVERIFY(!store.upsert(profile("a"))); // the name is taken
        QString error;
        QVERIFY2(store.save(&error), qPrintable(error));

        DeploymentStore loaded;
        QVERIFY2(loaded.load(store.path(), &error), qPrintable(error));
        QCOMPARE(loaded.profiles().size(), std::size_t(2));
        QCOMPARE(loaded.profiles(), store.profiles());
        QCOMPARE(loaded.path(), store.path());

        // Renaming through upsert keeps the place.
        DeploymentProfile renamed = profile("c");
        QVERIFY(loaded.upsert(renamed, QStringLiteral("a")));
        QCOMPARE(loaded.profiles().front().name, std::string("c"));
        QVERIFY(!loaded.upsert(profile("b"), QStringLiteral("c"))); // onto another's name
        QVERIFY(loaded.remove(QStringLiteral("c")));
        QVERIFY(!loaded.remove(QStringLiteral("c")));
    }

    void badFileChangesNothing()
    {
        const QString good = m_dir.filePath(QStringLiteral("good.yaml"));
        const QString bad = m_dir.filePath(QStringLiteral("bad.yaml"));
        QVERIFY(write(good, "schema: 1\ndeployments:\n  - name: a\n    url: https://a.example.com\n"));
        QVERIFY(write(bad, "schema: 1\ndeployments:\n  - name: b\n    url: ftp://b\n    pol_interval: 2s\n"));
        DeploymentStore store;
        QString error;
        QVERIFY(store.load(good, &error));
        QVERIFY(!store.load(bad, &error));
        QVERIFY2(error.contains(QStringLiteral("bad.yaml:4:")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("did you mean 'poll_interval'")), qPrintable(error));
        QCOMPARE(store.profiles().size(), std::size_t(1));
        QCOMPARE(store.path(), good);
    }

    void importMergesAndReportsClashes()
    {
        const QString other = m_dir.filePath(QStringLiteral("other.yaml"));
        QVERIFY(write(other, "schema: 1\ndeployments:\n"
                             "  - name: a\n    url: https://elsewhere.example.com\n"
                             "  - name: z\n    url: https://z.example.com\n    token: file:~/z.token\n"));
        DeploymentStore store;
        QVERIFY(store.upsert(profile("a")));
        const DeploymentStore::ImportResult result = store.importFile(other);
        QVERIFY(result.ok);
        QCOMPARE(result.added, QStringList{QStringLiteral("z")});
        QCOMPARE(result.clashes, QStringList{QStringLiteral("a")});
        QCOMPARE(store.find(QStringLiteral("a"))->url, std::string("https://edge.example.com")); // kept
        QCOMPARE(store.find(QStringLiteral("z"))->token.kind, TokenSource::Kind::File);

        const DeploymentStore::ImportResult broken =
            store.importFile(m_dir.filePath(QStringLiteral("missing.yaml")));
        QVERIFY(!broken.ok);
        QVERIFY(!broken.error.isEmpty());
        QCOMPARE(store.profiles().size(), std::size_t(2));
    }

    void exportNeverWritesASecret()
    {
        const std::string secret = "s3cr3t-token-value-42";
        CredentialStore credentials;
        credentials.setKeychainEnabled(false);
        credentials.setSessionToken(QStringLiteral("kc"), secret);
        credentials.setSessionToken(QStringLiteral("ask"), secret);
        qputenv("EDGE_EXPORT_TOKEN", QByteArray::fromStdString(secret));

        DeploymentStore store;
        QVERIFY(store.upsert(profile("env", {TokenSource::Kind::Env, "EDGE_EXPORT_TOKEN"})));
        QVERIFY(store.upsert(profile("kc", {TokenSource::Kind::Keychain, "kc-entry"})));
        QVERIFY(store.upsert(profile("ask", {})));
        const QString path = m_dir.filePath(QStringLiteral("export.yaml"));
        QString error;
        QVERIFY2(DeploymentStore::exportFile(path, store.profiles(), &error), qPrintable(error));
        const QByteArray text = readAll(path);
        QVERIFY(!text.contains(QByteArray::fromStdString(secret)));
        QVERIFY(text.contains("env:EDGE_EXPORT_TOKEN"));
        QVERIFY(text.contains("keychain:kc-entry"));
        // What was exported imports again.
        DeploymentStore again;
        QVERIFY(again.load(path, &error));
        QCOMPARE(again.profiles(), store.profiles());
        // And the session tokens still resolve, from memory.
        bool resolved = false;
        credentials.resolve(*store.find(QStringLiteral("ask")), this,
                            [&](const CredentialStore::Resolution& r) {
                                resolved = r.ok && r.token == secret;
                            });
        QVERIFY(resolved);
        qunsetenv("EDGE_EXPORT_TOKEN");
    }

    void keychainWithoutTheEntryAsksTheUser()
    {
        // Whatever this machine has - a Secret Service, KWallet, or nothing
        // (CI) - an entry that is not there ends in "ask", never in a hang
        // or a plain-text fallback.
        CredentialStore credentials;
        bool answered = false;
        CredentialStore::Resolution got;
        credentials.resolve(profile("kc", {TokenSource::Kind::Keychain, "fallback-console-test-missing-entry"}),
                            this, [&](const CredentialStore::Resolution& r) {
                                got = r;
                                answered = true;
                            });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 15000);
        QVERIFY(!got.ok);
        QVERIFY(got.askUser);
        QVERIFY(!got.problem.isEmpty());
    }

    void credentialsResolveEachSource()
    {
        CredentialStore credentials;
        credentials.setKeychainEnabled(false);
        const QString tokenFile = m_dir.filePath(QStringLiteral("t.token"));
        QVERIFY(write(tokenFile, "file-token\n"));
        QFile::setPermissions(tokenFile, QFile::ReadOwner | QFile::WriteOwner);
        qputenv("EDGE_T_TOKEN", "env-token");
        struct Case {
            TokenSource source;
            bool ok;
            std::string token;
        };
        const Case cases[] = {
            {{TokenSource::Kind::Env, "EDGE_T_TOKEN"}, true, "env-token"},
            {{TokenSource::Kind::Env, "EDGE_T_UNSET"}, false, {}},
            {{TokenSource::Kind::File, tokenFile.toStdString()}, true, "file-token"},
            {{TokenSource::Kind::File, "/nonexistent/token"}, false, {}},
            {{TokenSource::Kind::Keychain, "entry"}, false, {}}, // no keychain here: ask
            {{}, false, {}},                                     // ask each session
        };
        for (const Case& c : cases) {
            CredentialStore::Resolution got;
            bool answered = false;
            credentials.resolve(profile("x", c.source), this, [&](const CredentialStore::Resolution& r) {
                got = r;
                answered = true;
            });
            QVERIFY(answered); // at once: no keychain involved
            QCOMPARE(got.ok, c.ok);
            QCOMPARE(got.token, c.token);
            if (!c.ok) {
                QVERIFY(got.askUser);
                QVERIFY(!got.problem.isEmpty());
            }
        }
        qunsetenv("EDGE_T_TOKEN");
    }
};

QTEST_GUILESS_MAIN(TestDeploymentStore)
#include "tst_deploymentstore.moc"
