#include "dialogs/deploymentdialog.h"

#include "util/units.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

namespace fallback::ui {

namespace {

constexpr auto kErrorStyle = "QLabel { color: #c62828; }";

QString prefixOf(DeploymentDialog::TokenChoice choice)
{
    switch (choice) {
    case DeploymentDialog::TokenChoice::Environment: return QStringLiteral("env:");
    case DeploymentDialog::TokenChoice::File: return QStringLiteral("file:");
    case DeploymentDialog::TokenChoice::Keychain: return QStringLiteral("keychain:");
    case DeploymentDialog::TokenChoice::AskEachSession: break;
    }
    return {};
}

QWidget* withError(QWidget* field, QLabel* error, QWidget* parent)
{
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(field);
    layout->addWidget(error);
    return box;
}

} // namespace

DeploymentDialog::DeploymentDialog(const QStringList& takenNames, QWidget* parent)
    : QDialog(parent), m_taken(takenNames)
{
    setWindowTitle(tr("Add deployment"));

    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_name->setPlaceholderText(tr("staging-eu"));
    m_url = new QLineEdit(this);
    m_url->setObjectName(QStringLiteral("urlEdit"));
    m_url->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080"));
    m_environment = new QComboBox(this);
    m_environment->setObjectName(QStringLiteral("environmentCombo"));
    m_environment->setEditable(true);
    m_environment->addItems({QStringLiteral("staging"), QStringLiteral("production"),
                             QStringLiteral("development")});
    m_interval = new QLineEdit(QStringLiteral("2s"), this);
    m_interval->setObjectName(QStringLiteral("intervalEdit"));
    m_interval->setToolTip(tr("How often the console asks for the deployment's stats: 500ms, 2s, 1m"));

    m_tokenKind = new QComboBox(this);
    m_tokenKind->setObjectName(QStringLiteral("tokenKindCombo"));
    m_tokenKind->addItem(tr("Environment variable"));
    m_tokenKind->addItem(tr("File"));
    m_tokenKind->addItem(tr("OS keychain"));
    m_tokenKind->addItem(tr("Ask each session"));
    m_tokenRef = new QLineEdit(this);
    m_tokenRef->setObjectName(QStringLiteral("tokenRefEdit"));
    m_browse = new QToolButton(this);
    m_browse->setText(tr("Browse…"));
    connect(m_browse, &QToolButton::clicked, this, [this] {
        // open(), not exec(): no nested event loop while deployments poll.
        auto* chooser = new QFileDialog(this, tr("Token file"), QDir::homePath());
        chooser->setFileMode(QFileDialog::ExistingFile);
        chooser->setAttribute(Qt::WA_DeleteOnClose);
        connect(chooser, &QFileDialog::fileSelected, m_tokenRef, &QLineEdit::setText);
        chooser->open();
    });
    auto* refRow = new QWidget(this);
    auto* refLayout = new QHBoxLayout(refRow);
    refLayout->setContentsMargins(0, 0, 0, 0);
    refLayout->addWidget(m_tokenRef, 1);
    refLayout->addWidget(m_browse);
    m_secret = new QLineEdit(this);
    m_secret->setObjectName(QStringLiteral("secretEdit"));
    m_secret->setEchoMode(QLineEdit::Password);
    m_secretLabel = new QLabel(tr("Token:"), this);
    m_tokenHelp = new QLabel(this);
    m_tokenHelp->setWordWrap(true);
    m_tokenHelp->setForegroundRole(QPalette::PlaceholderText);

    m_nameError = errorLabel("nameError");
    m_urlError = errorLabel("urlError");
    m_environmentError = errorLabel("environmentError");
    m_intervalError = errorLabel("intervalError");
    m_tokenError = errorLabel("tokenError");

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->addRow(tr("Name:"), withError(m_name, m_nameError, this));
    form->addRow(tr("URL:"), withError(m_url, m_urlError, this));
    form->addRow(tr("Environment:"), withError(m_environment, m_environmentError, this));
    form->addRow(tr("Poll every:"), withError(m_interval, m_intervalError, this));
    form->addRow(tr("Admin token:"), m_tokenKind);
    form->addRow(QString(), withError(refRow, m_tokenError, this));
    form->addRow(m_secretLabel, m_secret);
    form->addRow(QString(), m_tokenHelp);

    m_productionNote = new QLabel(
        tr("Production deployments open <b>read-only</b>: policy changes, purges and bumps need "
           "an explicit unlock, each session."),
        this);
    m_productionNote->setWordWrap(true);
    m_productionNote->setStyleSheet(QStringLiteral(
        "QLabel { background: rgba(198, 40, 40, 28); border: 1px solid rgba(198, 40, 40, 110);"
        " border-radius: 3px; padding: 5px 8px; }"));
    m_warnings = new QLabel(this);
    m_warnings->setObjectName(QStringLiteral("warningLabel"));
    m_warnings->setWordWrap(true);
    m_warnings->setStyleSheet(QStringLiteral("QLabel { color: #9a6700; }"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_accept = buttons->addButton(tr("Add deployment"), QDialogButtonBox::AcceptRole);
    m_accept->setObjectName(QStringLiteral("acceptButton"));
    m_accept->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (isValid())
            accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_productionNote);
    layout->addWidget(m_warnings);
    layout->addStretch(1);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 72);

    for (QLineEdit* edit : {m_name, m_url, m_interval, m_tokenRef})
        connect(edit, &QLineEdit::textChanged, this, &DeploymentDialog::validate);
    connect(m_environment, &QComboBox::currentTextChanged, this, &DeploymentDialog::validate);
    connect(m_tokenKind, &QComboBox::currentIndexChanged, this, [this] {
        updateTokenFields();
        validate();
    });
    updateTokenFields();
    validate();
}

DeploymentDialog::~DeploymentDialog()
{
    m_secret->clear();
}

QLabel* DeploymentDialog::errorLabel(const char* objectName)
{
    auto* label = new QLabel(this);
    label->setObjectName(QString::fromLatin1(objectName));
    label->setWordWrap(true);
    label->setTextFormat(Qt::PlainText);
    label->setStyleSheet(QString::fromLatin1(kErrorStyle));
    label->hide();
    return label;
}

void DeploymentDialog::setProfile(const DeploymentProfile& profile)
{
    setWindowTitle(tr("Edit deployment %1").arg(QString::fromStdString(profile.name)));
    m_accept->setText(tr("Save"));
    m_name->setText(QString::fromStdString(profile.name));
    m_url->setText(QString::fromStdString(profile.url));
    m_environment->setCurrentText(QString::fromStdString(profile.environment));
    m_interval->setText(QString::fromStdString(formatDuration(profile.pollInterval)));
    switch (profile.token.kind) {
    case TokenSource::Kind::Env: setTokenChoice(TokenChoice::Environment); break;
    case TokenSource::Kind::File: setTokenChoice(TokenChoice::File); break;
    case TokenSource::Kind::Keychain: setTokenChoice(TokenChoice::Keychain); break;
    case TokenSource::Kind::None: setTokenChoice(TokenChoice::AskEachSession); break;
    }
    m_tokenRef->setText(QString::fromStdString(profile.token.ref));
    validate();
}

void DeploymentDialog::setTokenChoice(TokenChoice choice)
{
    m_tokenKind->setCurrentIndex(int(choice));
}

QString DeploymentDialog::secret() const
{
    const auto choice = TokenChoice(m_tokenKind->currentIndex());
    if (choice != TokenChoice::Keychain && choice != TokenChoice::AskEachSession)
        return {};
    return m_secret->text().trimmed();
}

void DeploymentDialog::updateTokenFields()
{
    const auto choice = TokenChoice(m_tokenKind->currentIndex());
    const bool ask = choice == TokenChoice::AskEachSession;
    m_tokenRef->setVisible(!ask);
    m_browse->setVisible(choice == TokenChoice::File);
    const bool secret = choice == TokenChoice::Keychain || ask;
    m_secret->setVisible(secret);
    m_secretLabel->setVisible(secret);
    switch (choice) {
    case TokenChoice::Environment:
        m_tokenRef->setPlaceholderText(QStringLiteral("EDGE_STAGING_TOKEN"));
        m_tokenHelp->setText(tr("The console reads the variable when it connects."));
        break;
    case TokenChoice::File:
        m_tokenRef->setPlaceholderText(QStringLiteral("~/.config/edge/staging.token"));
        m_tokenHelp->setText(tr("The file's first line is the token; keep it readable by you only."));
        break;
    case TokenChoice::Keychain:
        m_tokenRef->setPlaceholderText(tr("keychain entry (default: the deployment's name)"));
        m_tokenHelp->setText(tr("Type the token once: it is stored in the OS keychain, never in a "
                                "file. Leave it empty if the keychain holds it already."));
        break;
    case TokenChoice::AskEachSession:
        m_tokenHelp->setText(tr("Nothing is stored: the console asks for the token each session "
                                "and keeps it in memory only. You may type it now for this session."));
        break;
    }
}

DeploymentStore::Draft DeploymentDialog::draft() const
{
    DeploymentStore::Draft draft;
    draft.name = m_name->text();
    draft.url = m_url->text();
    draft.environment = m_environment->currentText();
    draft.pollInterval = m_interval->text();
    const auto choice = TokenChoice(m_tokenKind->currentIndex());
    QString ref = m_tokenRef->text().trimmed();
    if (choice == TokenChoice::Keychain && ref.isEmpty())
        ref = m_name->text().trimmed();
    if (choice != TokenChoice::AskEachSession)
        draft.token = prefixOf(choice) + ref;
    return draft;
}

QString DeploymentDialog::errorText(DeploymentStore::Field field) const
{
    return m_check.errors.value(field);
}

void DeploymentDialog::validate()
{
    m_check = DeploymentStore::check(draft());
    const QString name = m_name->text().trimmed();
    m_nameFree = !m_taken.contains(name);
    if (!m_nameFree)
        m_check.errors[DeploymentStore::Field::Name] =
            tr("A deployment named %1 exists already.").arg(name);

    using Field = DeploymentStore::Field;
    const std::pair<Field, QLabel*> labels[] = {{Field::Name, m_nameError},
                                                {Field::Url, m_urlError},
                                                {Field::Environment, m_environmentError},
                                                {Field::PollInterval, m_intervalError},
                                                {Field::Token, m_tokenError}};
    // An empty field the user has not reached yet is not an error to shout
    // about: the button stays disabled, the label quiet.
    const std::pair<Field, QString> typed[] = {{Field::Name, name},
                                               {Field::Url, m_url->text().trimmed()},
                                               {Field::Environment, m_environment->currentText()},
                                               {Field::PollInterval, m_interval->text()},
                                               {Field::Token, m_tokenRef->text()}};
    for (const auto& [field, label] : labels) {
        QString text = m_check.errors.value(field);
        for (const auto& [which, value] : typed) {
            if (which == field && value.trimmed().isEmpty())
                text.clear();
        }
        label->setText(text);
        label->setVisible(!text.isEmpty());
    }

    QStringList warnings = m_check.warnings;
    const auto choice = TokenChoice(m_tokenKind->currentIndex());
    const QString ref = m_tokenRef->text().trimmed();
    if (choice == TokenChoice::Environment && !ref.isEmpty() && qEnvironmentVariableIsEmpty(ref.toLocal8Bit().constData()))
        warnings << tr("%1 is not set in this console's environment: the deployment will ask for "
                       "its token until it is.")
                        .arg(ref);
    if (choice == TokenChoice::File && !ref.isEmpty()) {
        const QString path = ref.startsWith(QLatin1String("~/")) ? QDir::homePath() + ref.mid(1) : ref;
        if (!QFileInfo::exists(path))
            warnings << tr("%1 does not exist yet.").arg(ref);
    }
    m_warnings->setText(warnings.join(QLatin1Char('\n')));
    m_warnings->setVisible(!warnings.isEmpty());
    m_productionNote->setVisible(m_environment->currentText().trimmed() == QLatin1String("production"));
    m_accept->setEnabled(isValid());
}

} // namespace fallback::ui
