// The Add / Edit deployment dialog: per-field validation with the loader's
// rules, the accept button, token sources, edit mode.

#include "dialogs/deploymentdialog.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QtTest>

using namespace fallback;
using namespace fallback::ui;

class TestDeploymentDialog : public QObject {
    Q_OBJECT

private:
    template <typename T>
    static T* child(QDialog& dialog, const char* name)
    {
        T* widget = dialog.findChild<T*>(QString::fromLatin1(name));
        if (!widget)
            qFatal("no %s", name);
        return widget;
    }

    static void type(QDialog& dialog, const char* edit, const QString& text)
    {
        QLineEdit* line = child<QLineEdit>(dialog, edit);
        line->clear();
        QTest::keyClicks(line, text);
    }

private slots:
    void acceptsAValidProfileOnly()
    {
        DeploymentDialog dialog({QStringLiteral("taken")});
        dialog.show();
        auto* accept = child<QPushButton>(dialog, "acceptButton");
        QVERIFY(!accept->isEnabled()); // nothing typed yet
        QVERIFY(!child<QLabel>(dialog, "nameError")->isVisibleTo(&dialog)); // and nothing shouted

        type(dialog, "nameEdit", QStringLiteral("staging-eu"));
        type(dialog, "urlEdit", QStringLiteral("edge.example.com"));
        QVERIFY(!accept->isEnabled());
        auto* urlError = child<QLabel>(dialog, "urlError");
        QVERIFY(urlError->isVisibleTo(&dialog));
        QVERIFY2(urlError->text().contains(QStringLiteral("https://")), qPrintable(urlError->text()));

        type(dialog, "urlEdit", QStringLiteral("https://edge.example.com"));
        type(dialog, "tokenRefEdit", QStringLiteral("EDGE_STAGING_TOKEN"));
        QVERIFY(!urlError->isVisibleTo(&dialog));
        QVERIFY(accept->isEnabled());
        const std::optional<DeploymentProfile> profile = dialog.profile();
        QVERIFY(profile);
        QCOMPARE(profile->name, std::string("staging-eu"));
        QCOMPARE(profile->token, (TokenSource{TokenSource::Kind::Env, "EDGE_STAGING_TOKEN"}));
        QCOMPARE(profile->pollInterval, 2 * kMicrosPerSecond);
        QVERIFY(dialog.secret().isEmpty()); // env: has no secret to type

        type(dialog, "intervalEdit", QStringLiteral("soon"));
        QVERIFY(!accept->isEnabled());
        QVERIFY(child<QLabel>(dialog, "intervalError")->isVisibleTo(&dialog));
        type(dialog, "intervalEdit", QStringLiteral("500ms"));
        QVERIFY(accept->isEnabled());

        type(dialog, "nameEdit", QStringLiteral("taken"));
        QVERIFY(!accept->isEnabled());
        QVERIFY(child<QLabel>(dialog, "nameError")->text().contains(QStringLiteral("exists")));
    }

    void tokenSources_data()
    {
        QTest::addColumn<int>("choice");
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QString>("secret");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expectedRef");
        QTest::addColumn<bool>("secretKept");

        QTest::newRow("file") << int(DeploymentDialog::TokenChoice::File) << "~/edge.token" << ""
                              << int(TokenSource::Kind::File) << "~/edge.token" << false;
        QTest::newRow("keychain, entry defaults to the name")
            << int(DeploymentDialog::TokenChoice::Keychain) << "" << "typed-once"
            << int(TokenSource::Kind::Keychain) << "prod-us" << true;
        QTest::newRow("ask each session") << int(DeploymentDialog::TokenChoice::AskEachSession) << ""
                                          << "for-now" << int(TokenSource::Kind::None) << "" << true;
    }

    void tokenSources()
    {
        QFETCH(int, choice);
        QFETCH(QString, ref);
        QFETCH(QString, secret);
        QFETCH(int, kind);
        QFETCH(QString, expectedRef);
        QFETCH(bool, secretKept);

        DeploymentDialog dialog({});
        dialog.show();
        type(dialog, "nameEdit", QStringLiteral("prod-us"));
        type(dialog, "urlEdit", QStringLiteral("https://edge.example.com"));
        dialog.setTokenChoice(DeploymentDialog::TokenChoice(choice));
        auto* secretEdit = child<QLineEdit>(dialog, "secretEdit");
        QCOMPARE(secretEdit->isVisibleTo(&dialog), secretKept);
        QCOMPARE(secretEdit->echoMode(), QLineEdit::Password);
        if (!ref.isEmpty())
            type(dialog, "tokenRefEdit", ref);
        if (secretKept)
            type(dialog, "secretEdit", secret);
        const std::optional<DeploymentProfile> profile = dialog.profile();
        QVERIFY2(profile, qPrintable(dialog.errorText(DeploymentStore::Field::Token)));
        QCOMPARE(int(profile->token.kind), kind);
        QCOMPARE(QString::fromStdString(profile->token.ref), expectedRef);
        QCOMPARE(dialog.secret(), secretKept ? secret : QString());
    }

    void productionIsAnnounced()
    {
        DeploymentDialog dialog({});
        dialog.show();
        auto* environment = child<QComboBox>(dialog, "environmentCombo");
        environment->setCurrentText(QStringLiteral("production"));
        bool noted = false;
        for (QLabel* label : dialog.findChildren<QLabel*>()) {
            if (label->isVisibleTo(&dialog) && label->text().contains(QStringLiteral("read-only")))
                noted = true;
        }
        QVERIFY(noted);
        environment->setCurrentText(QStringLiteral("prod"));
        QVERIFY(child<QLabel>(dialog, "warningLabel")->text().contains(QStringLiteral("not 'production'")));
    }

    void editFillsTheFields()
    {
        DeploymentProfile profile;
        profile.name = "edge-eu";
        profile.url = "https://edge-eu.example.com";
        profile.token = {TokenSource::Kind::Keychain, "edge-eu-entry"};
        profile.environment = "production";
        profile.pollInterval = 5 * kMicrosPerSecond;
        DeploymentDialog dialog({QStringLiteral("other")});
        dialog.setProfile(profile);
        QCOMPARE(child<QLineEdit>(dialog, "nameEdit")->text(), QStringLiteral("edge-eu"));
        QCOMPARE(child<QLineEdit>(dialog, "intervalEdit")->text(), QStringLiteral("5s"));
        QCOMPARE(child<QLineEdit>(dialog, "tokenRefEdit")->text(), QStringLiteral("edge-eu-entry"));
        QVERIFY(dialog.isValid());
        QCOMPARE(*dialog.profile(), profile);
        QCOMPARE(child<QPushButton>(dialog, "acceptButton")->text(), QStringLiteral("Save"));
    }
};

QTEST_MAIN(TestDeploymentDialog)
#include "tst_deploymentdialog.moc"
