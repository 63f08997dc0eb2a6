#include "dialogs/invalidationdialog.h"

#include "widgets/livestatusbar.h"
#include "workspaces/liveworkspace.h"
#include "workspaces/workspace.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace fallback::ui {

namespace {

QLocale numberLocale()
{
    // The C locale prints 1234; people read 1,234 faster.
    QLocale locale;
    return locale.language() == QLocale::C ? QLocale(QLocale::English) : locale;
}

QString count(std::size_t value)
{
    return numberLocale().toString(qulonglong(value));
}

QString rate(double perSecond)
{
    const QLocale locale = numberLocale();
    if (perSecond > 0 && perSecond < 10)
        return locale.toString(perSecond, 'f', 1);
    return locale.toString(qlonglong(perSecond + 0.5));
}

QString entries(std::size_t value)
{
    return value == 1 ? QStringLiteral("<b>1</b> entry")
                      : QStringLiteral("<b>%1</b> entries").arg(count(value));
}

bool sameInvalidation(const Invalidation& a, const Invalidation& b)
{
    return a.kind == b.kind && a.ns == b.ns && a.id == b.id;
}

std::size_t purgedEntries(const InvalidationPreview& preview)
{
    // Only the edge tiers are purged: the origin is the source of truth and
    // the client cache lives on the clients.
    return preview.entriesPerTier[tierIndex(TierId::EdgeCache)]
         + preview.entriesPerTier[tierIndex(TierId::EdgeKv)];
}

const QString kDangerStyle = QStringLiteral(
    "QPushButton#confirmButton { background: #c62828; color: white; border: 1px solid #a51d1d;"
    " border-radius: 4px; padding: 6px 16px; font-weight: bold; }"
    "QPushButton#confirmButton:hover { background: #b71c1c; }"
    "QPushButton#confirmButton:pressed { background: #961616; }"
    "QPushButton#confirmButton:disabled { background: #e3a3a3; border-color: #d99393;"
    " color: #fff8f8; }");

} // namespace

InvalidationDialog::InvalidationDialog(Workspace* workspace, const Invalidation& invalidation,
                                       QWidget* parent)
    : QDialog(parent), m_workspace(workspace), m_invalidation(invalidation)
{
    const bool bump = invalidation.kind == Invalidation::Kind::Bump;
    setWindowTitle(bump ? tr("Bump namespace version") : tr("Confirm purge"));

    QString title;
    QString intro;
    switch (invalidation.kind) {
    case Invalidation::Kind::PurgeKey:
        title = tr("Purge key %1:%2").arg(invalidation.ns, invalidation.id);
        intro = tr("Removes every cached copy of this resource from the edge cache and the "
                   "edge KV. Its next read goes to the origin.");
        break;
    case Invalidation::Kind::PurgeNamespace:
        title = tr("Purge namespace %1").arg(invalidation.ns);
        intro = tr("Removes every cached entry of namespace %1 from the edge cache and the "
                   "edge KV. Its reads go to the origin until the caches refill.")
                    .arg(invalidation.ns);
        break;
    case Invalidation::Kind::PurgeAll:
        title = tr("Purge everything");
        intro = tr("Removes every cached entry of every namespace from the edge cache and the "
                   "edge KV. All reads go to the origin until the caches refill.");
        break;
    case Invalidation::Kind::Bump:
        title = tr("Bump namespace %1").arg(invalidation.ns);
        intro = tr("Raises the version of namespace %1: new reads compose the new version, so "
                   "the old entries become unreachable.")
                    .arg(invalidation.ns);
        break;
    }

    auto* titleLabel = new QLabel(title, this);
    QFont titleFont = titleLabel->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.3);
    titleFont.setBold(true);
    titleLabel->setFont(titleFont);
    titleLabel->setTextFormat(Qt::PlainText);
    titleLabel->setWordWrap(true);

    const bool production = workspace && workspace->isProduction();
    const QString workspaceName = workspace ? workspace->name().toHtmlEscaped() : QString();
    auto* whereLabel = new QLabel(this);
    whereLabel->setText(
        production ? tr("Workspace <b>%1</b> &nbsp;<span style=\"background-color:#c62828; "
                        "color:white; font-weight:bold;\">&nbsp;PRODUCTION&nbsp;</span>")
                         .arg(workspaceName)
                   : tr("Workspace <b>%1</b>").arg(workspaceName));

    auto* introLabel = new QLabel(intro, this);
    introLabel->setTextFormat(Qt::PlainText);
    introLabel->setWordWrap(true);
    // Wrapped labels take their width from here (the layout has a fixed size).
    introLabel->setFixedWidth(introLabel->fontMetrics().averageCharWidth() * 86);

    m_statusLabel = new QLabel(tr("Counting…"), this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setWordWrap(true);

    m_details = new QWidget(this);
    m_form = new QFormLayout(m_details);
    m_form->setContentsMargins(0, 0, 0, 0);
    m_form->setLabelAlignment(Qt::AlignLeft);
    m_form->setHorizontalSpacing(18);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_details->hide();

    auto* previewBox = new QWidget(this);
    previewBox->setObjectName(QStringLiteral("previewBox"));
    previewBox->setAttribute(Qt::WA_StyledBackground);
    previewBox->setStyleSheet(QStringLiteral(
        "QWidget#previewBox { background: palette(alternate-base); border: 1px solid palette(mid);"
        " border-radius: 4px; }"));
    auto* previewLayout = new QVBoxLayout(previewBox);
    previewLayout->setContentsMargins(12, 10, 12, 10);
    previewLayout->addWidget(m_statusLabel);
    previewLayout->addWidget(m_details);

    m_note = new QLabel(this);
    m_note->setWordWrap(true);
    m_note->setTextFormat(Qt::PlainText);
    m_note->hide();

    // What the deployment's rate limit leaves (SPEC §8: show limits), before
    // the decision rather than after a 429.
    m_limitLabel = new QLabel(this);
    m_limitLabel->setObjectName(QStringLiteral("limitLabel"));
    m_limitLabel->setWordWrap(true);
    m_limitLabel->setTextFormat(Qt::PlainText);
    m_limitLabel->hide();

    m_readOnlyBox = new QLabel(
        tr("This production workspace is read-only until you unlock it for this session. "
           "Unlock it from the workspace list to purge or bump."),
        this);
    m_readOnlyBox->setObjectName(QStringLiteral("readOnlyNotice"));
    m_readOnlyBox->setWordWrap(true);
    m_readOnlyBox->setStyleSheet(QStringLiteral(
        "QLabel { background: #fff4e0; color: #6b4200; border: 1px solid #f0cf94;"
        " border-radius: 4px; padding: 8px; }"));

    m_typeBox = new QWidget(this);
    auto* typeLayout = new QVBoxLayout(m_typeBox);
    typeLayout->setContentsMargins(0, 0, 0, 0);
    auto* typeLabel = new QLabel(
        tr("This is a production workspace. Type <b>%1</b> to confirm:")
            .arg(confirmWord().toHtmlEscaped()),
        m_typeBox);
    m_confirmEdit = new QLineEdit(m_typeBox);
    m_confirmEdit->setObjectName(QStringLiteral("confirmEdit"));
    m_confirmEdit->setPlaceholderText(confirmWord());
    typeLayout->addWidget(typeLabel);
    typeLayout->addWidget(m_confirmEdit);
    m_typeBox->setVisible(production);

    m_cancelButton = new QPushButton(tr("Cancel"), this);
    m_cancelButton->setObjectName(QStringLiteral("cancelButton"));
    m_confirmButton = new QPushButton(this);
    m_confirmButton->setObjectName(QStringLiteral("confirmButton"));
    m_confirmButton->setStyleSheet(kDangerStyle);
    // No default button: Enter must never purge.
    m_cancelButton->setAutoDefault(false);
    m_confirmButton->setAutoDefault(false);

    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_cancelButton);
    buttons->addWidget(m_confirmButton);

    auto* layout = new QVBoxLayout(this);
    layout->setSpacing(10);
    // The content grows when the preview arrives: always fit it exactly, so
    // wrapped labels never share out spare height as gaps.
    layout->setSizeConstraint(QLayout::SetFixedSize);
    layout->addWidget(titleLabel);
    layout->addWidget(whereLabel);
    layout->addWidget(introLabel);
    layout->addWidget(previewBox);
    layout->addWidget(m_note);
    layout->addWidget(m_limitLabel);
    layout->addWidget(m_readOnlyBox);
    layout->addWidget(m_typeBox);
    layout->addSpacing(4);
    layout->addLayout(buttons);

    connect(m_cancelButton, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_confirmButton, &QPushButton::clicked, this, &InvalidationDialog::confirm);
    connect(m_confirmEdit, &QLineEdit::textChanged, this, &InvalidationDialog::updateConfirm);

    if (workspace) {
        connect(workspace, &Workspace::previewReady, this, &InvalidationDialog::showPreview);
        connect(workspace, &Workspace::unlockedChanged, this, &InvalidationDialog::updateReadOnly);
        // A workspace closed under the dialog leaves nothing to confirm.
        connect(workspace, &QObject::destroyed, this, &QDialog::reject);
        if (auto* live = qobject_cast<LiveWorkspace*>(workspace)) {
            connect(live, &LiveWorkspace::purgeLimitChanged, this, &InvalidationDialog::updateLimit);
            connect(live, &LiveWorkspace::queuedInvalidationsChanged, this, &InvalidationDialog::updateLimit);
        }
    }

    updateReadOnly();
    updateLimit();
    if (workspace) {
        workspace->preview(invalidation);
    } else {
        m_statusLabel->setText(tr("No workspace to run it on."));
    }
    if (production)
        m_confirmEdit->setFocus();
    else
        m_cancelButton->setFocus();
}

InvalidationDialog::~InvalidationDialog() = default;

void InvalidationDialog::ask(QWidget* parent, Workspace* workspace,
                             const Invalidation& invalidation)
{
    auto* dialog = new InvalidationDialog(workspace, invalidation, parent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->open();
}

QString InvalidationDialog::confirmWord() const
{
    return m_invalidation.kind == Invalidation::Kind::PurgeAll ? QStringLiteral("everything")
                                                               : m_invalidation.ns;
}

void InvalidationDialog::addRow(const QString& label, const QString& value, const QString& toolTip)
{
    auto* field = new QLabel(value, m_details);
    field->setTextFormat(Qt::RichText);
    field->setWordWrap(true);
    field->setToolTip(toolTip);
    m_form->addRow(label, field);
}

void InvalidationDialog::showPreview(const InvalidationPreview& preview)
{
    if (!sameInvalidation(preview.invalidation, m_invalidation))
        return; // another dialog's (or view's) preview
    m_preview = preview;
    while (m_form->rowCount() > 0)
        m_form->removeRow(0);

    if (!preview.ok) {
        m_statusLabel->setText(tr("Cannot preview this: %1").arg(preview.error));
        m_statusLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
        m_details->hide();
        updateConfirm();
        return;
    }

    const bool bump = m_invalidation.kind == Invalidation::Kind::Bump;
    const std::size_t edgeCache = preview.entriesPerTier[tierIndex(TierId::EdgeCache)];
    const std::size_t edgeKv = preview.entriesPerTier[tierIndex(TierId::EdgeKv)];
    m_statusLabel->setText(bump ? tr("What the bump strands:") : tr("What the purge reaches:"));
    m_statusLabel->setStyleSheet({});

    if (bump)
        addRow(tr("Version"), tr("<b>v%1</b> → <b>v%2</b>")
                                  .arg(preview.currentVersion)
                                  .arg(preview.currentVersion + 1));
    const QString tail = bump ? tr(" become unreachable") : tr(" removed");
    addRow(tr("Edge cache"), entries(edgeCache) + tail);
    addRow(tr("Edge KV"), entries(edgeKv) + tail);
    addRow(tr("Client cache"),
           bump ? tr("not touched: clients keep their copies until they refresh")
                : tr("never purged: clients keep their copies until they expire"));
    if (m_invalidation.kind != Invalidation::Kind::PurgeKey)
        addRow(tr("Recent reads"), tr("%1 reads/s").arg(rate(preview.readsPerSecond)),
               tr("Reads of this scope over the last seconds"));
    const bool nothing = edgeCache + edgeKv == 0;
    QString originLoad;
    if (nothing)
        originLoad = tr("no change: nothing is cached");
    else if (m_invalidation.kind == Invalidation::Kind::PurgeKey)
        originLoad = tr("one fetch, on the next read of the key");
    else
        originLoad = tr("up to <b>%1 fetches/s</b> until the caches refill")
                         .arg(rate(preview.expectedOriginFetchesPerSecond));
    addRow(tr("Origin load after"), originLoad,
           tr("Reads the caches answered go to the origin until they refill "
              "(coalesced per key)"));
    m_details->show();

    if (bump) {
        QString ageOut;
        if (m_workspace) {
            if (const NamespacePolicy* ns =
                    m_workspace->appliedPolicy().find(m_invalidation.ns.toStdString()))
                ageOut = QString::fromStdString(formatDuration(ns->keepFor()));
        }
        m_note->setText(ageOut.isEmpty()
                            ? tr("Nothing is deleted: the old entries age out of the caches on "
                                 "their own.")
                            : tr("Nothing is deleted: the old entries age out of the caches "
                                 "within %1 (ttl + max(swr, sie)). The first reads after the "
                                 "bump miss and go to the origin.")
                                  .arg(ageOut));
        m_note->show();
    }
    updateConfirm();
}

QString InvalidationDialog::limitNotice() const
{
    const auto* live = qobject_cast<const LiveWorkspace*>(m_workspace.data());
    if (!live)
        return {};
    QStringList lines;
    if (const std::optional<live::RateLimit> limit = live->purgeLimit()) {
        const QString words = QString::fromStdString(live::describeRateLimit(*limit));
        if (limit->remaining && *limit->remaining == 0)
            lines << tr("Rate limit: %1. The deployment will refuse this now: it waits in the "
                        "queue and is sent when the limit allows.")
                         .arg(words);
        else if (!words.isEmpty())
            lines << tr("Rate limit: %1 (as the deployment last stated it).").arg(words);
    }
    if (const int queued = live->queuedInvalidations(); queued > 0)
        lines << (queued == 1 ? tr("1 invalidation already waits for the rate limit: this one goes after it.")
                              : tr("%1 invalidations already wait for the rate limit: this one goes after "
                                   "them.")
                                    .arg(queued));
    return lines.join(QLatin1Char('\n'));
}

void InvalidationDialog::updateLimit()
{
    const QString notice = limitNotice();
    m_limitLabel->setText(notice);
    m_limitLabel->setVisible(!notice.isEmpty());
    const auto* live = qobject_cast<const LiveWorkspace*>(m_workspace.data());
    const std::optional<live::RateLimit> limit = live ? live->purgeLimit() : std::nullopt;
    const QColor colour = limit ? LiveStatusBar::purgeLimitColor(*limit) : QColor();
    QPalette palette = this->palette();
    if (colour.isValid())
        palette.setColor(QPalette::WindowText, colour);
    m_limitLabel->setPalette(palette);
}

void InvalidationDialog::updateReadOnly()
{
    const bool readOnly = !m_workspace || m_workspace->isReadOnly();
    m_readOnlyBox->setVisible(m_workspace && readOnly);
    m_confirmButton->setVisible(!readOnly);
    m_typeBox->setVisible(!readOnly && m_workspace->isProduction());
    m_cancelButton->setText(readOnly ? tr("Close") : tr("Cancel"));
    updateConfirm();
}

QString InvalidationDialog::confirmText() const
{
    if (m_invalidation.kind == Invalidation::Kind::Bump) {
        if (!m_preview || !m_preview->ok)
            return tr("Bump version");
        return tr("Bump to v%1").arg(m_preview->currentVersion + 1);
    }
    if (!m_preview || !m_preview->ok)
        return tr("Purge");
    const std::size_t total = purgedEntries(*m_preview);
    return total == 1 ? tr("Purge 1 entry") : tr("Purge %1 entries").arg(count(total));
}

void InvalidationDialog::updateConfirm()
{
    m_confirmButton->setText(confirmText());
    const bool readOnly = !m_workspace || m_workspace->isReadOnly();
    const bool typed = !m_workspace || !m_workspace->isProduction()
                    || m_confirmEdit->text().trimmed() == confirmWord();
    const bool ready = m_preview && m_preview->ok;
    m_confirmButton->setEnabled(!readOnly && ready && typed);
    if (!ready)
        m_confirmButton->setToolTip(tr("Waiting for the preview"));
    else if (!typed)
        m_confirmButton->setToolTip(tr("Type %1 above to confirm").arg(confirmWord()));
    else
        m_confirmButton->setToolTip({});
}

void InvalidationDialog::confirm()
{
    if (!m_confirmButton->isEnabled() || !m_workspace || m_workspace->isReadOnly())
        return;
    m_workspace->invalidate(m_invalidation);
    accept();
}

} // namespace fallback::ui
