#include "dialogs/policyconflictdialog.h"

#include "models/namespacetablemodel.h"
#include "policy/policyfields.h"
#include "workspaces/workspace.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <map>

namespace fallback::ui {

PolicyConflictDialog::PolicyConflictDialog(Workspace* workspace, NamespaceTableModel* model,
                                           const QString& message, QWidget* parent)
    : QDialog(parent), m_workspace(workspace), m_model(model), m_base(model->appliedPolicy()),
      m_edited(model->policy())
{
    setWindowTitle(tr("The live policy changed"));
    auto* intro = new QLabel(message, this);
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::PlainText);

    QStringList mine;
    for (const PolicyChange& change : model->changes())
        mine << QString::fromStdString(change.describe());
    auto* changes = new QLabel(this);
    changes->setObjectName(QStringLiteral("changesLabel"));
    changes->setWordWrap(true);
    changes->setTextFormat(Qt::PlainText);
    changes->setText(mine.isEmpty() ? tr("You have no unapplied changes.")
                                    : tr("Your unapplied changes:\n  ") + mine.join(QStringLiteral("\n  ")));

    auto* explain = new QLabel(
        tr("Reload and reapply reads the policy in force again and puts your changes back on top "
           "of it, field by field: fields you did not change take the live values. The diff "
           "shows again; nothing is applied until you press Apply."),
        this);
    explain->setWordWrap(true);
    explain->setForegroundRole(QPalette::PlaceholderText);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_status->hide();

    auto* buttons = new QDialogButtonBox(this);
    m_reload = buttons->addButton(tr("Reload and reapply"), QDialogButtonBox::AcceptRole);
    m_reload->setObjectName(QStringLiteral("reloadButton"));
    m_reload->setDefault(true);
    m_discardButton = buttons->addButton(tr("Discard my edits"), QDialogButtonBox::DestructiveRole);
    m_discardButton->setObjectName(QStringLiteral("discardButton"));
    QPushButton* keep = buttons->addButton(tr("Keep editing"), QDialogButtonBox::RejectRole);
    keep->setObjectName(QStringLiteral("keepButton"));
    connect(m_reload, &QPushButton::clicked, this, &PolicyConflictDialog::reloadAndReapply);
    connect(m_discardButton, &QPushButton::clicked, this, &PolicyConflictDialog::discardEdits);
    connect(keep, &QPushButton::clicked, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(changes);
    layout->addWidget(explain);
    layout->addWidget(m_status);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 70);

    if (workspace) {
        connect(workspace, &Workspace::policyReloaded, this, &PolicyConflictDialog::onReloaded);
        connect(workspace, &QObject::destroyed, this, &QDialog::reject);
    }
}

void PolicyConflictDialog::reloadAndReapply()
{
    reload(false);
}

void PolicyConflictDialog::discardEdits()
{
    reload(true);
}

void PolicyConflictDialog::reload(bool discard)
{
    if (!m_workspace || m_waiting)
        return;
    m_discard = discard;
    m_waiting = true;
    m_reload->setEnabled(false);
    m_discardButton->setEnabled(false);
    m_status->setText(tr("Reading the live policy…"));
    m_status->show();
    m_workspace->reloadPolicy(); // may answer at once (a local workspace)
}

void PolicyConflictDialog::onReloaded(bool ok, const QString& message)
{
    if (!m_waiting)
        return;
    m_waiting = false;
    m_reload->setEnabled(true);
    m_discardButton->setEnabled(true);
    if (!ok) {
        m_status->setText(tr("The live policy could not be read: %1").arg(message));
        m_status->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }"));
        return;
    }
    // The snapshot carrying the reloaded policy has reached the model before
    // this answer: it already rebased the edits on it, field by field.
    const Policy& live = m_model->appliedPolicy();
    if (m_discard) {
        m_model->revertAll();
        emit resolved(tr("Discarded your edits: the table shows the policy in force (Undo brings "
                         "them back)."),
                      true);
        accept();
        return;
    }
    const int theirs = int(diffPolicy(m_base, live).size());
    const int mine = int(m_model->changes().size());
    QString summary = tr("Reloaded the live policy (%n change(s) made elsewhere)", nullptr, theirs)
                      + tr("; your %n change(s) are back on top of it. Check the diff, then Apply.",
                           nullptr, mine);
    const QStringList both = overlaps(m_base, m_edited, live);
    if (!both.isEmpty())
        summary += tr(" Changed on both sides, yours kept: %1.").arg(both.join(QStringLiteral("; ")));
    emit resolved(summary, true);
    accept();
}

QStringList PolicyConflictDialog::overlaps(const Policy& base, const Policy& mine, const Policy& theirs)
{
    std::map<std::pair<std::string, int>, std::string> theirChanges;
    for (const PolicyChange& change : diffPolicy(base, theirs)) {
        if (change.kind == PolicyChange::Kind::Changed)
            theirChanges[{change.ns, int(change.field)}] = change.after;
    }
    QStringList out;
    for (const PolicyChange& change : diffPolicy(base, mine)) {
        if (change.kind != PolicyChange::Kind::Changed)
            continue;
        const auto it = theirChanges.find({change.ns, int(change.field)});
        if (it == theirChanges.end() || it->second == change.after)
            continue;
        const std::string where = (change.ns.empty() ? std::string("defaults") : change.ns) + "."
                                  + std::string(policyFieldKey(change.field));
        out << tr("%1: live %2, yours %3")
                   .arg(QString::fromStdString(where), QString::fromStdString(it->second),
                        QString::fromStdString(change.after));
    }
    return out;
}

} // namespace fallback::ui
