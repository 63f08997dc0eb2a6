#include "dialogs/invalidationtargetdialog.h"

#include "dialogs/invalidationdialog.h"
#include "policy/key.h"
#include "workspaces/workspace.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace fallback::ui {

InvalidationTargetDialog::InvalidationTargetDialog(Workspace* workspace, Invalidation::Kind kind,
                                                   const QString& preferredNamespace,
                                                   QWidget* parent)
    : QDialog(parent), m_workspace(workspace), m_kind(kind)
{
    QString intro;
    switch (kind) {
    case Invalidation::Kind::PurgeKey:
        setWindowTitle(tr("Purge key"));
        intro = tr("Which resource? The next step shows what the purge reaches and asks you to "
                   "confirm.");
        break;
    case Invalidation::Kind::Bump:
        setWindowTitle(tr("Bump version"));
        intro = tr("Which namespace? The next step shows the version change and asks you to "
                   "confirm.");
        break;
    case Invalidation::Kind::PurgeNamespace:
    case Invalidation::Kind::PurgeAll:
        setWindowTitle(tr("Purge namespace"));
        intro = tr("Which namespace? The next step shows what the purge reaches and asks you to "
                   "confirm.");
        break;
    }

    auto* introLabel = new QLabel(intro, this);
    introLabel->setWordWrap(true);

    m_namespaceCombo = new QComboBox(this);
    m_namespaceCombo->setObjectName(QStringLiteral("namespaceCombo"));
    if (workspace) {
        for (const NamespacePolicy& ns : workspace->appliedPolicy().namespaces) {
            const QString name = QString::fromStdString(ns.name);
            m_namespaceCombo->addItem(tr("%1  (v%2)").arg(name).arg(ns.version), name);
        }
    }
    const int preferred = m_namespaceCombo->findData(preferredNamespace);
    if (preferred >= 0)
        m_namespaceCombo->setCurrentIndex(preferred);

    m_idEdit = new QLineEdit(this);
    m_idEdit->setObjectName(QStringLiteral("idEdit"));
    m_idEdit->setPlaceholderText(tr("resource id, as in GET /v1/items/{namespace}/{id}"));
    m_idProblem = new QLabel(this);
    m_idProblem->setObjectName(QStringLiteral("idProblem"));
    m_idProblem->setWordWrap(true);
    m_idProblem->setTextFormat(Qt::PlainText);
    m_idProblem->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_idProblem->hide();

    const bool empty = m_namespaceCombo->count() == 0;

    m_cancelButton = new QPushButton(empty ? tr("Close") : tr("Cancel"), this);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    m_cancelButton->setAutoDefault(false);
    m_continueButton = new QPushButton(tr("Continue…"), this);
    m_continueButton->setObjectName(QStringLiteral("continueButton"));
    // Enter only moves on to the confirmation, which has no default button.
    m_continueButton->setDefault(true);
    m_continueButton->setVisible(!empty);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_continueButton);

    auto* layout = new QVBoxLayout(this);
    if (empty) {
        introLabel->setObjectName(QStringLiteral("emptyNotice"));
        introLabel->setText(workspace ? tr("The policy applied on %1 has no namespaces: there is "
                                           "nothing to purge or bump by namespace.")
                                            .arg(workspace->name())
                                      : tr("No workspace to run it on."));
        m_namespaceCombo->hide();
        m_idEdit->hide();
        layout->addWidget(introLabel);
    } else {
        auto* form = new QFormLayout;
        form->addRow(tr("Namespace:"), m_namespaceCombo);
        if (kind == Invalidation::Kind::PurgeKey) {
            form->addRow(tr("Resource id:"), m_idEdit);
            form->addRow(QString(), m_idProblem);
        } else {
            m_idEdit->hide();
        }
        layout->addWidget(introLabel);
        layout->addLayout(form);
    }
    layout->addSpacing(4);
    layout->addLayout(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 64);

    connect(m_cancelButton, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_continueButton, &QPushButton::clicked, this, &InvalidationTargetDialog::proceed);
    connect(m_idEdit, &QLineEdit::textChanged, this, &InvalidationTargetDialog::updateContinue);
    if (workspace) // a workspace closed under the dialog leaves nothing to aim at
        connect(workspace, &QObject::destroyed, this, &QDialog::reject);

    if (kind == Invalidation::Kind::PurgeKey && !empty)
        m_idEdit->setFocus();
    else
        m_namespaceCombo->setFocus();
    updateContinue();
}

InvalidationTargetDialog::~InvalidationTargetDialog() = default;

InvalidationTargetDialog* InvalidationTargetDialog::ask(QWidget* parent, Workspace* workspace,
                                                        Invalidation::Kind kind,
                                                        const QString& preferredNamespace)
{
    auto* dialog = new InvalidationTargetDialog(workspace, kind, preferredNamespace, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &InvalidationTargetDialog::targetChosen, dialog,
            [parent, workspace = QPointer<Workspace>(workspace)](const Invalidation& target) {
                if (workspace)
                    InvalidationDialog::ask(parent, workspace, target);
            });
    dialog->open();
    return dialog;
}

Invalidation InvalidationTargetDialog::target() const
{
    Invalidation target;
    target.kind = m_kind;
    target.ns = m_namespaceCombo->currentData().toString();
    if (m_kind == Invalidation::Kind::PurgeKey)
        target.id = m_idEdit->text();
    return target;
}

void InvalidationTargetDialog::updateContinue()
{
    bool ok = m_workspace && m_namespaceCombo->count() > 0;
    if (m_kind == Invalidation::Kind::PurgeKey) {
        const QString id = m_idEdit->text();
        // An empty field is not an error yet: it just cannot continue.
        const std::string problem =
            id.isEmpty() ? std::string() : checkResourceId(id.toStdString());
        m_idProblem->setText(QString::fromStdString(problem));
        m_idProblem->setVisible(!problem.empty());
        ok = ok && !id.isEmpty() && problem.empty();
    }
    m_continueButton->setEnabled(ok);
}

void InvalidationTargetDialog::proceed()
{
    if (!m_continueButton->isEnabled())
        return;
    emit targetChosen(target());
    accept();
}

} // namespace fallback::ui
