#include "dialogs/unlockdialog.h"

#include "workspaces/workspace.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace fallback::ui {

UnlockDialog::UnlockDialog(Workspace* workspace, QWidget* parent)
    : QDialog(parent), m_workspace(workspace)
{
    const QString name = workspace ? workspace->name() : QString();
    setWindowTitle(tr("Unlock %1").arg(name));
    auto* intro = new QLabel(
        tr("<b>%1</b> &nbsp;<span style=\"background-color:#c62828; color:white; "
           "font-weight:bold;\">&nbsp;PRODUCTION&nbsp;</span><p>Unlocking lets this console apply "
           "policies, purge and bump on it until the console quits. Each invalidation still asks "
           "for confirmation.</p><p>Type <b>%1</b> to unlock it for this session:</p>")
            .arg(name.toHtmlEscaped()),
        this);
    intro->setWordWrap(true);
    m_confirmEdit = new QLineEdit(this);
    m_confirmEdit->setObjectName(QStringLiteral("confirmEdit"));
    m_confirmEdit->setPlaceholderText(name);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_unlockButton = buttons->addButton(tr("Unlock for this session"), QDialogButtonBox::AcceptRole);
    m_unlockButton->setObjectName(QStringLiteral("unlockButton"));
    m_unlockButton->setAutoDefault(false);
    m_unlockButton->setStyleSheet(QStringLiteral(
        "QPushButton { background: #c62828; color: white; border: 1px solid #a51d1d;"
        " border-radius: 4px; padding: 5px 14px; font-weight: bold; }"
        "QPushButton:disabled { background: #e3a3a3; border-color: #d99393; color: #fff8f8; }"));
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        if (!m_unlockButton->isEnabled() || !m_workspace)
            return;
        m_workspace->setUnlocked(true);
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_confirmEdit, &QLineEdit::textChanged, this, &UnlockDialog::updateButton);
    if (workspace)
        connect(workspace, &QObject::destroyed, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_confirmEdit);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 60);
    updateButton();
}

void UnlockDialog::ask(QWidget* parent, Workspace* workspace)
{
    auto* dialog = new UnlockDialog(workspace, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->open();
}

void UnlockDialog::updateButton()
{
    m_unlockButton->setEnabled(m_workspace && m_confirmEdit->text().trimmed() == m_workspace->name());
}

TokenDialog::TokenDialog(const QString& deployment, const QString& why, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Token for %1").arg(deployment));
    auto* intro = new QLabel(this);
    intro->setWordWrap(true);
    intro->setText(tr("<p>%1</p><p>The admin token of <b>%2</b> is kept in memory for this session "
                      "only: it is never written to a file.</p>")
                       .arg(why.toHtmlEscaped(), deployment.toHtmlEscaped()));
    m_tokenEdit = new QLineEdit(this);
    m_tokenEdit->setObjectName(QStringLiteral("tokenEdit"));
    m_tokenEdit->setEchoMode(QLineEdit::Password);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton* use = buttons->addButton(tr("Use for this session"), QDialogButtonBox::AcceptRole);
    use->setObjectName(QStringLiteral("useButton"));
    use->setEnabled(false);
    connect(m_tokenEdit, &QLineEdit::textChanged, use,
            [use](const QString& text) { use->setEnabled(!text.trimmed().isEmpty()); });
    connect(buttons, &QDialogButtonBox::accepted, this, [this] {
        const QString token = m_tokenEdit->text().trimmed();
        if (token.isEmpty())
            return;
        emit tokenEntered(token);
        accept();
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_tokenEdit);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 56);
}

TokenDialog::~TokenDialog()
{
    m_tokenEdit->clear();
}

} // namespace fallback::ui
