#include "widgets/keyspage.h"

#include "dialogs/invalidationdialog.h"
#include "models/keytiermodel.h"
#include "policy/key.h"
#include "widgets/clocktext.h"
#include "workspaces/workspace.h"

#include <QComboBox>
#include <QCompleter>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStringListModel>
#include <QTableView>
#include <QTime>
#include <QTimer>
#include <QVBoxLayout>

namespace fallback::ui {

namespace {

QString sentence(const std::string& message)
{
    QString text = QString::fromStdString(message);
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

} // namespace

KeysPage::KeysPage(QWidget* parent)
    : QWidget(parent),
      m_model(new KeyTierModel(this)),
      m_completions(new QStringListModel(this)),
      m_completer(new QCompleter(m_completions, this)),
      m_completionTimer(new QTimer(this))
{
    m_namespaceCombo = new QComboBox(this);
    m_namespaceCombo->setObjectName(QStringLiteral("namespaceCombo"));
    m_namespaceCombo->setEditable(true);
    m_namespaceCombo->setInsertPolicy(QComboBox::NoInsert);
    m_namespaceCombo->setMinimumContentsLength(14);
    m_namespaceCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);

    m_idEdit = new QLineEdit(this);
    m_idEdit->setObjectName(QStringLiteral("idEdit"));
    m_idEdit->setPlaceholderText(tr("Resource id, e.g. sku-1042"));
    m_idEdit->setClearButtonEnabled(true);
    m_completer->setCaseSensitivity(Qt::CaseSensitive);
    m_completer->setCompletionMode(QCompleter::PopupCompletion);
    m_completer->setMaxVisibleItems(12);
    m_idEdit->setCompleter(m_completer);

    m_lookupButton = new QPushButton(tr("Look up"), this);
    m_lookupButton->setObjectName(QStringLiteral("lookupButton"));
    m_lookupButton->setDefault(true);

    auto* nsLabel = new QLabel(tr("&Namespace"), this);
    nsLabel->setBuddy(m_namespaceCombo);
    auto* idLabel = new QLabel(tr("&Resource id"), this);
    idLabel->setBuddy(m_idEdit);

    auto* inputRow = new QHBoxLayout;
    inputRow->addWidget(nsLabel);
    inputRow->addWidget(m_namespaceCombo);
    inputRow->addSpacing(12);
    inputRow->addWidget(idLabel);
    inputRow->addWidget(m_idEdit, 1);
    inputRow->addWidget(m_lookupButton);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextFormat(Qt::PlainText);
    m_errorLabel->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }"));
    m_errorLabel->hide();

    auto* storedKeyTitle = new QLabel(tr("Stored key"), this);
    m_storedKeyLabel = new QLabel(this);
    m_storedKeyLabel->setObjectName(QStringLiteral("storedKeyLabel"));
    m_storedKeyLabel->setTextFormat(Qt::PlainText);
    m_storedKeyLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_storedKeyLabel->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_storedKeyLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_statusLabel = new QLabel(this);
    m_statusLabel->setObjectName(QStringLiteral("statusLabel"));
    m_statusLabel->setForegroundRole(QPalette::PlaceholderText);
    m_statusLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(storedKeyTitle);
    keyRow->addSpacing(6);
    keyRow->addWidget(m_storedKeyLabel, 1);
    keyRow->addWidget(m_statusLabel);

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("tierView"));
    m_view->setModel(m_model);
    m_view->setSelectionMode(QAbstractItemView::NoSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setFocusPolicy(Qt::NoFocus);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    const int rowHeight = m_view->fontMetrics().height() + 12;
    m_view->verticalHeader()->setDefaultSectionSize(rowHeight);
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    QHeaderView* header = m_view->horizontalHeader();
    header->setHighlightSections(false);
    header->setSectionResizeMode(QHeaderView::Stretch);
    header->setSectionResizeMode(KeyTierModel::Present, QHeaderView::ResizeToContents);
    header->setMinimumSectionSize(80);
    // Four rows, always: size the table to them instead of leaving a void.
    m_view->setFixedHeight(header->sizeHint().height() + kTierCount * rowHeight
                           + 2 * m_view->frameWidth() + 2);

    m_refreshButton = new QPushButton(tr("Refresh"), this);
    m_refreshButton->setObjectName(QStringLiteral("refreshButton"));
    m_purgeButton = new QPushButton(tr("Purge this key…"), this);
    m_purgeButton->setObjectName(QStringLiteral("purgeButton"));
    m_purgeButton->setStyleSheet(QStringLiteral(
        "QPushButton:enabled { color: #c62828; font-weight: bold; }"));

    auto* actionRow = new QHBoxLayout;
    actionRow->addStretch(1);
    actionRow->addWidget(m_refreshButton);
    actionRow->addWidget(m_purgeButton);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(inputRow);
    layout->addWidget(m_errorLabel);
    layout->addSpacing(6);
    layout->addLayout(keyRow);
    layout->addWidget(m_view);
    layout->addLayout(actionRow);
    layout->addStretch(1);

    m_completionTimer->setSingleShot(true);
    m_completionTimer->setInterval(kCompletionDelayMs);
    connect(m_completionTimer, &QTimer::timeout, this, &KeysPage::requestCompletions);
    connect(m_idEdit, &QLineEdit::textEdited, this, [this] {
        m_errorLabel->hide();
        m_completionTimer->start(); // restarts: one request once typing pauses
    });
    connect(m_idEdit, &QLineEdit::returnPressed, this, &KeysPage::lookUp);
    connect(m_namespaceCombo, &QComboBox::currentTextChanged, this, [this] {
        // Completions belong to one namespace.
        m_completions->setStringList({});
        if (!m_idEdit->text().isEmpty())
            m_completionTimer->start();
    });
    connect(m_completer, qOverload<const QString&>(&QCompleter::activated), this,
            &KeysPage::lookUp);
    connect(m_lookupButton, &QPushButton::clicked, this, &KeysPage::lookUp);
    connect(m_refreshButton, &QPushButton::clicked, this, &KeysPage::refresh);
    connect(m_purgeButton, &QPushButton::clicked, this, &KeysPage::purgeShownKey);

    m_storedKeyLabel->setText(tr("—"));
    m_statusLabel->setText(tr("Pick a namespace, type a resource id and press Enter."));
    updateButtons();
}

KeysPage::~KeysPage() = default;

void KeysPage::setWorkspace(Workspace* workspace)
{
    if (workspace == m_workspace)
        return;
    if (m_workspace)
        disconnect(m_workspace, nullptr, this, nullptr);
    m_workspace = workspace;
    m_pendingNs.clear();
    m_pendingId.clear();
    m_shownNs.clear();
    m_shownId.clear();
    m_model->clear();
    m_completions->setStringList({});
    m_completionTimer->stop();
    m_errorLabel->hide();
    m_storedKeyLabel->setText(tr("—"));
    m_statusLabel->setText(workspace ? tr("Pick a namespace, type a resource id and press Enter.")
                                     : tr("No workspace"));
    m_exampleAsked = false;
    if (workspace) {
        connect(workspace, &Workspace::snapshotUpdated, this, &KeysPage::updateNamespaces);
        connect(workspace, &Workspace::snapshotUpdated, this, &KeysPage::offerExample);
        connect(workspace, &Workspace::keysListed, this, &KeysPage::showCompletions);
        connect(workspace, &Workspace::keyLookedUp, this, &KeysPage::showReport);
        connect(workspace, &Workspace::activity, this, &KeysPage::onActivity);
        connect(workspace, &Workspace::unlockedChanged, this, &KeysPage::updateButtons);
    }
    m_namespaces.clear();
    m_namespaceCombo->clear();
    updateNamespaces();
    updateButtons();
}

QString KeysPage::currentNamespace() const
{
    return m_namespaceCombo->currentText().trimmed();
}

void KeysPage::updateNamespaces()
{
    if (!m_workspace)
        return;
    // Snapshots come ten times a second: rebuild the list only when the
    // policy's namespaces changed, keeping what the user picked or typed.
    QStringList names;
    for (const NamespacePolicy& ns : m_workspace->appliedPolicy().namespaces)
        names.append(QString::fromStdString(ns.name));
    if (names == m_namespaces)
        return;
    m_namespaces = names;
    const QString current = currentNamespace();
    const QSignalBlocker blocker(m_namespaceCombo);
    m_namespaceCombo->clear();
    m_namespaceCombo->addItems(names);
    if (!current.isEmpty())
        m_namespaceCombo->setCurrentText(current);
    else if (!names.isEmpty())
        m_namespaceCombo->setCurrentIndex(0);
    updateButtons();
}

void KeysPage::requestCompletions()
{
    const QString ns = currentNamespace();
    const QString prefix = m_idEdit->text();
    if (!m_workspace || prefix.isEmpty() || !checkNamespaceName(ns.toStdString()).empty())
        return;
    m_workspace->listKeys(ns, prefix, kCompletionLimit);
}

void KeysPage::offerExample()
{
    // An empty table teaches nothing: once the caches hold something, start
    // with one cached key of the namespace (for a Zipf workload, the hottest).
    if (m_exampleAsked || !isVisible() || !m_workspace || !m_shownId.isEmpty() ||
        !m_idEdit->text().isEmpty())
        return;
    const SnapshotPtr snapshot = m_workspace->snapshot();
    if (!snapshot || snapshot->tiers[0].usage.entries + snapshot->tiers[1].usage.entries == 0)
        return;
    const QString ns = currentNamespace();
    if (ns.isEmpty())
        return;
    m_exampleAsked = true;
    m_exampleNs = ns;
    m_workspace->listKeys(ns, QString(), 1);
}

void KeysPage::showCompletions(const QString& ns, const QStringList& ids)
{
    if (ns != currentNamespace())
        return; // an answer for a namespace no longer picked
    if (ns == m_exampleNs && !m_exampleNs.isEmpty()) {
        m_exampleNs.clear();
        if (m_idEdit->text().isEmpty() && m_shownId.isEmpty() && !ids.isEmpty()) {
            m_idEdit->setText(ids.first());
            lookUp();
        }
        return;
    }
    m_completions->setStringList(ids);
    // The answer comes after the keystroke that asked for it: show the popup
    // now, filtered by what is typed by then.
    if (m_idEdit->hasFocus() && !m_idEdit->text().isEmpty() && !ids.isEmpty()) {
        m_completer->setCompletionPrefix(m_idEdit->text());
        m_completer->complete();
    }
}

void KeysPage::lookUp()
{
    const QString ns = currentNamespace();
    const QString id = m_idEdit->text();
    if (const std::string why = checkNamespaceName(ns.toStdString()); !why.empty()) {
        showError(sentence(why));
        return;
    }
    if (const std::string why = checkResourceId(id.toStdString()); !why.empty()) {
        showError(sentence(why));
        return;
    }
    ask(ns, id);
}

void KeysPage::refresh()
{
    if (!m_shownNs.isEmpty())
        ask(m_shownNs, m_shownId);
}

void KeysPage::ask(const QString& ns, const QString& id)
{
    if (!m_workspace)
        return;
    m_completionTimer->stop();
    m_errorLabel->hide();
    m_pendingNs = ns;
    m_pendingId = id;
    m_statusLabel->setText(tr("Looking up…"));
    m_workspace->lookupKey(ns, id);
}

void KeysPage::showReport(const KeyReport& report)
{
    const bool pending = report.ns == m_pendingNs && report.id == m_pendingId;
    const bool shown = report.ns == m_shownNs && report.id == m_shownId;
    if (!pending && !shown)
        return; // another view's lookup
    if (pending) {
        m_pendingNs.clear();
        m_pendingId.clear();
    }
    if (!report.ok) {
        m_model->clear();
        m_shownNs.clear();
        m_shownId.clear();
        m_storedKeyLabel->setText(tr("—"));
        m_statusLabel->clear();
        showError(report.error.isEmpty() ? tr("The lookup failed.") : report.error);
        updateButtons();
        return;
    }
    m_shownNs = report.ns;
    m_shownId = report.id;
    m_model->setReport(report);
    m_storedKeyLabel->setText(report.storedKey);
    m_storedKeyLabel->setToolTip(tr("namespace:version:resource id — version %1").arg(report.version));
    m_statusLabel->setText(
        report.virtualNow
            ? tr("Looked up at virtual %1").arg(formatVirtualClock(*report.virtualNow))
            : tr("Looked up at %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    updateButtons();
}

void KeysPage::onActivity(const ActivityRecord& record)
{
    // A purge or bump that reaches the shown key changes what the tiers hold:
    // look again rather than show copies that are gone.
    if (m_shownNs.isEmpty() || !record.ok)
        return;
    if (record.action != QLatin1String("purge") && record.action != QLatin1String("bump"))
        return;
    const QString key = QString(m_shownNs + QLatin1Char(':') + m_shownId);
    if (record.target == key || record.target == m_shownNs || record.target == QLatin1String("*"))
        refresh();
    else if (record.remote && remoteTargetReaches(record.target, m_shownNs, key))
        refresh();
}

bool KeysPage::remoteTargetReaches(const QString& target, const QString& ns, const QString& key)
{
    // The node's audit wording: `all`, `namespace NS`, `keys NS:ID,NS:ID[ and N more]`
    // (a bump's target is `namespace NS` too).
    if (target == QLatin1String("all") || target == QStringLiteral("namespace ") + ns)
        return true;
    if (!target.startsWith(QLatin1String("keys ")))
        return false;
    QString list = target.mid(5);
    const qsizetype more = list.lastIndexOf(QLatin1String(" and "));
    if (more >= 0 && list.endsWith(QLatin1String(" more")))
        return true; // not every key is named: it may be among the rest
    return list.split(QLatin1Char(',')).contains(key);
}

void KeysPage::purgeShownKey()
{
    if (!m_workspace || m_shownNs.isEmpty())
        return;
    Invalidation invalidation;
    invalidation.kind = Invalidation::Kind::PurgeKey;
    invalidation.ns = m_shownNs;
    invalidation.id = m_shownId;
    InvalidationDialog::ask(this, m_workspace, invalidation);
}

void KeysPage::showError(const QString& message)
{
    m_errorLabel->setText(message);
    m_errorLabel->show();
}

void KeysPage::updateButtons()
{
    const bool hasWorkspace = m_workspace != nullptr;
    m_namespaceCombo->setEnabled(hasWorkspace);
    m_idEdit->setEnabled(hasWorkspace);
    m_lookupButton->setEnabled(hasWorkspace);
    const bool shown = hasWorkspace && !m_shownNs.isEmpty();
    m_refreshButton->setEnabled(shown);
    m_purgeButton->setEnabled(shown);
    if (shown && m_workspace->isReadOnly())
        m_purgeButton->setToolTip(tr("This workspace is read-only until unlocked"));
    else
        m_purgeButton->setToolTip({});
}

} // namespace fallback::ui
