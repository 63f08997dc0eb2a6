#include "widgets/activitypage.h"

#include "models/activitylog.h"
#include "models/activitymodel.h"

#include <QComboBox>
#include <QDesktopServices>
#include <QDir>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QUrl>
#include <QVBoxLayout>

namespace fallback::ui {

ActivityPage::ActivityPage(QWidget* parent)
    : QWidget(parent), m_model(new ActivityModel(this)), m_filter(new ActivityFilterModel(this))
{
    m_filter->setSourceModel(m_model);

    m_filterEdit = new QLineEdit(this);
    m_filterEdit->setObjectName(QStringLiteral("filterEdit"));
    m_filterEdit->setPlaceholderText(tr("Filter by time, workspace, target, who or result"));
    m_filterEdit->setClearButtonEnabled(true);
    m_filterEdit->setMinimumWidth(260);

    m_actionCombo = new QComboBox(this);
    m_actionCombo->setObjectName(QStringLiteral("actionCombo"));
    m_actionCombo->addItem(tr("All actions"), QString());
    m_actionCombo->addItem(tr("Purge"), QStringLiteral("purge"));
    m_actionCombo->addItem(tr("Bump"), QStringLiteral("bump"));
    m_actionCombo->addItem(tr("Policy"), QStringLiteral("policy"));
    m_actionCombo->addItem(tr("Fault"), QStringLiteral("fault"));

    m_countLabel = new QLabel(this);
    m_countLabel->setObjectName(QStringLiteral("countLabel"));
    m_countLabel->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    auto* filterRow = new QHBoxLayout;
    filterRow->addWidget(m_filterEdit, 1);
    filterRow->addWidget(m_actionCombo);
    filterRow->addSpacing(12);
    filterRow->addWidget(m_countLabel);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral(
        "QLabel { background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0;"
        " border-radius: 3px; padding: 6px; }"));
    m_errorLabel->hide();

    m_view = new QTableView(this);
    m_view->setObjectName(QStringLiteral("activityView"));
    m_view->setModel(m_filter);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->setTextElideMode(Qt::ElideRight);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 8);
    QHeaderView* header = m_view->horizontalHeader();
    header->setHighlightSections(false);
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setStretchLastSection(true);
    // Fixed widths from the font rather than ResizeToContents, which would
    // measure every row of a long log.
    const QFontMetrics metrics = m_view->fontMetrics();
    header->resizeSection(ActivityModel::Time,
                          metrics.horizontalAdvance(QStringLiteral("0000-00-00 00:00:00")) + 24);
    header->resizeSection(ActivityModel::Workspace, metrics.horizontalAdvance(QLatin1Char('m')) * 10);
    header->resizeSection(ActivityModel::Action,
                          metrics.horizontalAdvance(QStringLiteral("policy")) + 32);
    header->resizeSection(ActivityModel::Target, metrics.horizontalAdvance(QLatin1Char('m')) * 13);
    // Room for a typical `fallbackctl alice@ops-1 (10.0.0.3)`; the tooltip has the rest.
    header->resizeSection(ActivityModel::By,
                          metrics.horizontalAdvance(QStringLiteral("fallbackctl alice@ops-1 (10.0.0.3)")) + 16);

    m_pathLabel = new QLabel(this);
    m_pathLabel->setObjectName(QStringLiteral("logPathLabel"));
    m_pathLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pathLabel->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_pathLabel->setForegroundRole(QPalette::PlaceholderText);

    m_openButton = new QPushButton(tr("Open log file"), this);
    m_openButton->setObjectName(QStringLiteral("openLogButton"));

    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(m_pathLabel, 1);
    pathRow->addWidget(m_openButton);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(filterRow);
    layout->addWidget(m_errorLabel);
    layout->addWidget(m_view, 1);
    layout->addLayout(pathRow);

    connect(m_filterEdit, &QLineEdit::textChanged, this, &ActivityPage::setTextFilter);
    connect(m_actionCombo, &QComboBox::currentIndexChanged, this,
            [this](int index) { m_filter->setActionFilter(m_actionCombo->itemData(index).toString()); });
    connect(m_openButton, &QPushButton::clicked, this, &ActivityPage::openLogFile);

    // Follow the newest record only while the view is at the bottom: someone
    // reading older entries is not yanked away by a new purge.
    connect(m_filter, &QAbstractItemModel::rowsAboutToBeInserted, this, [this] {
        const QScrollBar* bar = m_view->verticalScrollBar();
        m_followNewest = bar->value() >= bar->maximum();
    });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] {
        if (m_followNewest)
            m_view->scrollToBottom();
        updateCount();
    });
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &ActivityPage::updateCount);
    connect(m_filter, &QAbstractItemModel::modelReset, this, [this] {
        m_view->scrollToBottom();
        updateCount();
    });
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &ActivityPage::updateCount);

    updateCount();
    updateLogInfo();
}

ActivityPage::~ActivityPage() = default;

void ActivityPage::setLog(ActivityLog* log)
{
    if (m_log)
        disconnect(m_log, nullptr, this, nullptr);
    m_log = log;
    m_model->setLog(log);
    if (m_log) {
        connect(m_log, &ActivityLog::errorChanged, this, &ActivityPage::updateLogInfo);
        connect(m_log, &ActivityLog::pathChanged, this, &ActivityPage::updateLogInfo);
        connect(m_log, &ActivityLog::writeFailed, this, &ActivityPage::updateLogInfo);
        connect(m_log, &ActivityLog::recordAppended, this, &ActivityPage::updateLogInfo);
        connect(m_log, &ActivityLog::reloaded, this, &ActivityPage::updateLogInfo);
    }
    m_view->scrollToBottom();
    updateCount();
    updateLogInfo();
}

void ActivityPage::setWorkspaceFilter(const QString& workspace)
{
    m_filter->setWorkspaceFilter(workspace);
    // One workspace's log: its name in every row says nothing.
    m_view->setColumnHidden(ActivityModel::Workspace, !workspace.isEmpty());
    m_view->scrollToBottom();
    updateCount();
}

void ActivityPage::setActionFilter(const QString& action)
{
    const int index = m_actionCombo->findData(action);
    if (index >= 0)
        m_actionCombo->setCurrentIndex(index); // updates the filter
    else
        m_filter->setActionFilter(action);
    updateCount();
}

void ActivityPage::setTextFilter(const QString& text)
{
    if (m_filterEdit->text() != text)
        m_filterEdit->setText(text); // comes back here through textChanged
    m_filter->setTextFilter(text);
    m_view->scrollToBottom();
    updateCount();
}

void ActivityPage::openLogFile()
{
    if (!m_log)
        return;
    const QFileInfo info(m_log->path());
    // Before the first record there is no file yet: open its folder instead.
    const QString target = info.exists() ? info.absoluteFilePath() : info.absolutePath();
    if (!QDesktopServices::openUrl(QUrl::fromLocalFile(target))) {
        m_errorLabel->setText(tr("Could not open %1. The log is a text file of JSON lines; "
                                 "open it with any editor.")
                                  .arg(QDir::toNativeSeparators(target)));
        m_errorLabel->show();
    }
}

void ActivityPage::updateCount()
{
    const int shown = m_filter->rowCount();
    const int total = m_model->rowCount();
    if (total == 0)
        m_countLabel->setText(tr("No activity yet"));
    else if (shown == total)
        m_countLabel->setText(total == 1 ? tr("1 record") : tr("%1 records").arg(total));
    else
        m_countLabel->setText(tr("%1 of %2 records").arg(shown).arg(total));
}

void ActivityPage::updateLogInfo()
{
    m_openButton->setEnabled(m_log != nullptr);
    if (!m_log) {
        m_pathLabel->setText(tr("No activity log"));
        m_errorLabel->hide();
        return;
    }
    const QString path = QDir::toNativeSeparators(m_log->path());
    const int malformed = m_log->malformedLines();
    m_pathLabel->setText(malformed == 0
                             ? tr("Log file: %1").arg(path)
                             : tr("Log file: %1 (%2 unreadable line(s) skipped)").arg(path).arg(malformed));
    m_pathLabel->setToolTip(path);
    m_openButton->setToolTip(path);
    if (m_log->lastError().isEmpty()) {
        m_errorLabel->hide();
        return;
    }
    const int unwritten = m_log->unwrittenCount();
    if (unwritten == 0)
        m_errorLabel->setText(m_log->lastError());
    else
        m_errorLabel->setText(
            tr("%1. %2 kept in memory only; written as soon as the file can be written again.")
                .arg(m_log->lastError(),
                     unwritten == 1 ? tr("1 record is") : tr("%1 records are").arg(unwritten)));
    m_errorLabel->show();
}

} // namespace fallback::ui
